// The build the benchmarks compare with, side by side in the same run: by default commit 18003ef,
// the last commit before issue 22's first change. It is exported with `git archive` (no worktree
// registered in the repository) into a cache folder, installed there with its own lock file
// (`npm ci`: its own dependency versions, not this checkout's) and built once; a finished build
// leaves a marker file, so later runs reuse it and an interrupted one is redone.
//   --baseline DIR       a checkout that is built already
//   --baseline-rev REV   another commit (built into its own cache folder)
//   TINK_BENCH_CACHE     the cache root (default: $XDG_CACHE_HOME or ~/.cache, then tink-bench)
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

export const DEFAULT_BASELINE_REV = '18003ef'
const MARKER = '.tink-bench-built'

function value(args, name) {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

export function cacheRoot() {
  return process.env.TINK_BENCH_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tink-bench')
}

/** {bin, dir, label} of the baseline build. */
export function baseline(root, args) {
  const given = value(args, '--baseline')
  if (given) {
    const dir = resolve(given)
    if (!existsSync(join(dir, 'dist'))) throw new Error(`--baseline ${dir}: not a built checkout (no dist/)`)
    return {bin: join(dir, 'bin', 'run.cjs'), dir, label: dir}
  }
  const rev = value(args, '--baseline-rev') ?? DEFAULT_BASELINE_REV
  const sha = execFileSync('git', ['rev-parse', '--short=12', `${rev}^{commit}`], {cwd: root, encoding: 'utf8'}).trim()
  const dir = join(cacheRoot(), `baseline-${sha}`)
  if (!existsSync(join(dir, MARKER))) {
    process.stderr.write(`building the baseline ${sha} in ${dir} (once: git archive, npm ci, npm run build) ...\n`)
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir, {recursive: true})
    execFileSync('sh', ['-c', `git archive --format=tar "$1" | tar -x -C "$2"`, 'sh', sha, dir], {cwd: root, stdio: ['ignore', 'ignore', 'inherit']})
    const env = {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env})
    execFileSync('npm', ['run', 'build', '--silent'], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env})
    writeFileSync(join(dir, MARKER), `${sha}\n`)
  }
  return {bin: join(dir, 'bin', 'run.cjs'), dir, label: `${sha} (${dir})`}
}

/** The environment for timed runs: NODE_EXTRA_CA_CERTS makes Node 20 parse extra certificates at every start. */
export function withoutExtraCerts(env) {
  const out = {...env}
  delete out.NODE_EXTRA_CA_CERTS
  return out
}

export const EXTRA_CERTS_NOTE = `NODE_EXTRA_CA_CERTS unset for every timed run${process.env.NODE_EXTRA_CA_CERTS ? ' (this machine sets it; on Node 20 it adds the parsing of its certificates to every process start)' : ' (it was not set)'}`
