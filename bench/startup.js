// `npm run bench -- startup`: what one `tink` call costs next to starting Node itself, and next
// to a bare oclif CLI with one command (bench/minimal-oclif). Interleaved: every round runs every
// case once, in a rotated order, so machine noise (other jobs on a 2-core box) hits all cases
// alike; medians over --runs rounds (default 15) after --warmup rounds (default 3, which also
// fill tink's compile cache and token cache). Peak memory is each process's maxRSS, from
// /usr/bin/time when it exists. No network and no credentials: the emulator runs on loopback
// and the cached-token cases use a throwaway profile in a temp config folder, its secret in the
// OS keychain (re-run inside a private gnome-keyring session when there is no D-Bus session).
// Writes the table to bench/results.json under "startup".
import {spawnSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.cjs')
const MINI = join(ROOT, 'bench', 'minimal-oclif', 'bin', 'run.js')
const TIME = '/usr/bin/time'

function option(args, name, fallback) {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}

function cleanEnv(extra) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^TINK_/.test(k) || /^(https?|no|all)_proxy$/i.test(k) || k === 'NODE_OPTIONS' || k === 'DEBUG') continue
    env[k] = v
  }
  return {...env, NO_COLOR: '1', ...extra}
}

/** The keychain cases need a Secret Service: re-run this benchmark inside a private one if needed. */
function reexecInKeyringSession(args) {
  if (process.env.DBUS_SESSION_BUS_ADDRESS || process.env.TINK_BENCH_IN_DBUS) return false
  if (spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], {stdio: 'ignore'}).status !== 0) return false
  const r = spawnSync('sh', [join(ROOT, 'scripts', 'keyring-session.sh'), process.execPath, join(ROOT, 'bench', 'run.js'), 'startup', ...args], {
    stdio: 'inherit',
    env: {...process.env, TINK_BENCH_IN_DBUS: '1'},
  })
  process.exitCode = r.status ?? 1
  return true
}

function startEmulator(env) {
  const child = spawn(process.execPath, [BIN, 'emulator', 'start', '--json', '--quiet'], {stdio: ['ignore', 'pipe', 'inherit'], env})
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl >= 0) {
        const info = JSON.parse(buf.slice(0, nl))
        // stop() waits for the exit, so the temp folder is not removed while the emulator writes.
        const exited = new Promise((done) => child.once('exit', done))
        resolve({...info, stop: () => (child.kill('SIGTERM'), exited)})
      }
    })
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
  })
}

/** One run: wall time from here (spawn to exit) and the child's maxRSS (KiB) via /usr/bin/time. */
function runOnce(c, withTime) {
  const argv = typeof c.argv === 'function' ? c.argv() : c.argv
  const [cmd, args] = withTime ? [TIME, ['-f', '@@maxrss %M', process.execPath, ...argv]] : [process.execPath, argv]
  const started = process.hrtime.bigint()
  const r = spawnSync(cmd, args, {env: c.env, input: c.input ?? '', encoding: 'utf8', maxBuffer: 16 * 1024 * 1024})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${c.label} exited ${r.status}: ${r.stderr}`)
  if (c.check) c.check(r.stdout)
  const rss = withTime ? Number(/@@maxrss (\d+)/.exec(r.stderr)?.[1]) : undefined
  return {ms, rss}
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export async function main(args) {
  if (reexecInKeyringSession(args)) return
  const runs = Math.max(10, option(args, '--runs', 15))
  const warmup = option(args, '--warmup', 3)
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-startup-'))
  // A fresh cache folder: the warm-up rounds fill tink's compile cache, as a user's first calls do.
  const env = cleanEnv({TINK_CONFIG_DIR: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache')})
  const emu = await startEmulator(env)
  const withTime = existsSync(TIME)
  try {
    // A profile whose secret is in the keychain; the warm-up caches its client tokens there.
    const add = spawnSync(process.execPath, [BIN, 'profile', 'add', 'bench', '--base-url', emu.url, '--client-id', emu.clientId, '--client-secret-stdin'], {
      env,
      input: emu.clientSecret,
      encoding: 'utf8',
    })
    if (add.status !== 0) throw new Error(`tink profile add failed (the keychain must answer: run inside a D-Bus session with a Secret Service): ${add.stderr}`)

    let n = 0
    const token = (out) => {
      if (!/^\S+\n$/.test(out)) throw new Error(`token get --raw printed ${JSON.stringify(out)}`)
    }
    const cases = [
      {key: 'node', label: 'node -e 0', argv: ['-e', '0'], env},
      {key: 'version', label: 'tink --version', argv: [BIN, '--version'], env, check: (o) => /^tink-auth-cli\/\S+ \S+ node-v/.test(o) || fail('version', o)},
      {key: 'version_mini', label: 'mini --version (minimal oclif)', argv: [MINI, '--version'], env},
      {key: 'help', label: 'tink --help', argv: [BIN, '--help'], env, check: (o) => o.includes('COMMANDS') || fail('help', o)},
      // The help cache answers the row above after the first warm-up round; these two go through oclif.
      {key: 'help_oclif', label: 'tink --help, help cache off', argv: [BIN, '--help'], env: {...env, TINK_NO_HELP_CACHE: '1'}},
      {key: 'help_nocache', label: 'tink --help, help and compile cache off', argv: [BIN, '--help'], env: {...env, TINK_NO_HELP_CACHE: '1', TINK_NO_COMPILE_CACHE: '1'}},
      {key: 'help_mini', label: 'mini --help (minimal oclif)', argv: [MINI, '--help'], env},
      {key: 'token', label: 'tink token get --raw (cached)', argv: [BIN, 'token', 'get', '--raw'], env, check: token},
      {key: 'user', label: 'tink user create (token cached)', argv: () => [BIN, 'user', 'create', '--external-user-id', `bench-${process.pid}-${n++}`, '--market', 'GB', '--json'], env, check: (o) => JSON.parse(o).user_id || fail('user', o)},
      {key: 'hello_mini', label: 'mini hello (minimal oclif command)', argv: [MINI, 'hello'], env},
    ]

    // A cached token means no request: say so if --verbose shows one.
    runOnce(cases.find((c) => c.key === 'token'), false)
    const traced = spawnSync(process.execPath, [BIN, 'token', 'get', '--raw', '--verbose'], {env, encoding: 'utf8'})
    if (traced.status !== 0 || /> POST/.test(traced.stderr)) throw new Error(`token get --raw was not served from the cache:\n${traced.stderr}`)

    const samples = Object.fromEntries(cases.map((c) => [c.key, {ms: [], rss: []}]))
    const rounds = warmup + runs
    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`\rround ${round + 1}/${rounds}${round < warmup ? ' (warm-up)' : ''}   `)
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(i + round) % cases.length]
        const r = runOnce(c, withTime)
        if (round < warmup) continue
        samples[c.key].ms.push(r.ms)
        if (r.rss) samples[c.key].rss.push(r.rss)
      }
    }
    process.stderr.write('\n')

    const med = Object.fromEntries(cases.map((c) => [c.key, median(samples[c.key].ms)]))
    const rss = Object.fromEntries(cases.map((c) => [c.key, samples[c.key].rss.length ? Math.max(...samples[c.key].rss) : undefined]))
    const goals = {version: 1.6, help: 1.8, token: 1.8, user: 2.0}
    const mini = {version: 'version_mini', help: 'help_mini', help_oclif: 'help_mini', help_nocache: 'help_mini', token: 'hello_mini', user: 'hello_mini'}
    const rows = cases.map((c) => {
      const vsNode = med[c.key] / med.node
      const goal = goals[c.key]
      const vsMini = mini[c.key] ? med[c.key] / med[mini[c.key]] : undefined
      return {
        key: c.key,
        label: c.label,
        medianMs: Number(med[c.key].toFixed(1)),
        minMs: Number(Math.min(...samples[c.key].ms).toFixed(1)),
        vsNode: Number(vsNode.toFixed(2)),
        goal,
        goalMet: goal === undefined ? undefined : vsNode <= goal,
        vsMinimalOclif: vsMini === undefined ? undefined : Number(vsMini.toFixed(2)),
        fasterThanMinimalOclif: vsMini === undefined ? undefined : vsMini < 1,
        maxRssMiB: rss[c.key] === undefined ? undefined : Number((rss[c.key] / 1024).toFixed(1)),
      }
    })

    const table = [
      ['case', 'median ms', 'min ms', 'x node -e 0', 'goal', 'x minimal oclif', 'max RSS MiB'],
      ...rows.map((r) => [
        r.label,
        r.medianMs.toFixed(1),
        r.minMs.toFixed(1),
        r.vsNode.toFixed(2),
        r.goal === undefined ? '' : `<= ${r.goal} ${r.goalMet ? 'ok' : 'MISSED'}`,
        r.vsMinimalOclif === undefined ? '' : `${r.vsMinimalOclif.toFixed(2)} ${r.fasterThanMinimalOclif ? 'faster' : 'SLOWER'}`,
        r.maxRssMiB === undefined ? 'n/a' : r.maxRssMiB.toFixed(1),
      ]),
    ]
    const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
    process.stdout.write(
      `\nstartup: ${runs} interleaved runs per case after ${warmup} warm-up rounds, medians; Node ${process.version}, ${os()}\n` +
        table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') +
        '\n(token get and user create are compared with the minimal CLI running its one command)\n',
    )
    saveResults('startup', {at: new Date().toISOString(), node: process.version, machine: os(), runs, warmup, rows})
  } finally {
    await emu.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

function fail(what, out) {
  throw new Error(`unexpected ${what} output: ${out.slice(0, 200)}`)
}

function os() {
  let cpu = ''
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? ''
  } catch {
    // not Linux
  }
  return `${process.platform}-${process.arch}, ${(spawnSync('nproc', {encoding: 'utf8'}).stdout || '?').trim()} cores${cpu ? `, ${cpu}` : ''}`
}

/** bench/results.json holds one section per benchmark, so startup and bulk figures sit side by side. */
export function saveResults(section, value) {
  const file = join(ROOT, 'bench', 'results.json')
  let all = {}
  try {
    all = JSON.parse(readFileSync(file, 'utf8'))
    // The bulk benchmark's older format was the whole file.
    if (all.results && !all.bulk) all = {bulk: all}
  } catch {
    // none yet
  }
  all[section] = value
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
}
