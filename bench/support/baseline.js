// The build the benchmarks compare with, side by side in the same run: `--baseline DIR` (a
// checkout that is built already), else the commit `--baseline-rev REV` (default: 455899c, the
// last commit before the one-bundle build), checked out with `git worktree` into a temp folder
// and built there once (this checkout's node_modules, linked); `--no-baseline` skips it.
import {execFileSync} from 'node:child_process'
import {existsSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const DEFAULT_BASELINE_REV = '455899c'

function value(args, name) {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

/** {bin, label} of the baseline build, or undefined with --no-baseline. */
export function baseline(root, args) {
  if (args.includes('--no-baseline')) return undefined
  const given = value(args, '--baseline')
  if (given) {
    const dir = resolve(given)
    if (!existsSync(join(dir, 'dist'))) throw new Error(`--baseline ${dir}: not a built checkout (no dist/)`)
    return {bin: join(dir, 'bin', 'run.cjs'), label: dir}
  }
  const rev = value(args, '--baseline-rev') ?? DEFAULT_BASELINE_REV
  const sha = execFileSync('git', ['rev-parse', '--short=12', rev], {cwd: root, encoding: 'utf8'}).trim()
  const dir = join(tmpdir(), `tink-bench-baseline-${sha}`)
  if (!existsSync(join(dir, 'oclif.manifest.json'))) {
    process.stderr.write(`building the baseline ${sha} in ${dir} ...\n`)
    if (!existsSync(join(dir, 'package.json'))) execFileSync('git', ['worktree', 'add', '--force', '--detach', dir, sha], {cwd: root, stdio: 'ignore'})
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
    execFileSync('npm', ['run', 'build', '--silent'], {cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true'}})
  }
  return {bin: join(dir, 'bin', 'run.cjs'), label: `${sha} (${dir})`}
}

/** The environment for timed runs: NODE_EXTRA_CA_CERTS makes Node 20 parse extra certificates at every start. */
export function withoutExtraCerts(env) {
  const out = {...env}
  delete out.NODE_EXTRA_CA_CERTS
  return out
}

export const EXTRA_CERTS_NOTE = `NODE_EXTRA_CA_CERTS unset for every timed run${process.env.NODE_EXTRA_CA_CERTS ? ' (this machine sets it; on Node 20 it adds the parsing of its certificates to every process start)' : ''}`
