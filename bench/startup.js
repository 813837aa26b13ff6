// `npm run bench -- startup`: what one `tink` call costs next to starting Node itself, and next
// to the build before the one-bundle change (bench/support/baseline.js: --baseline DIR,
// --baseline-rev REV, --no-baseline), side by side in the same run. Interleaved: every round runs
// every case once, in a rotated order, so machine noise (other jobs on a 2-core box) hits all
// cases alike; medians over --runs rounds (default 15) after --warmup rounds (default 3, which also
// fill each build's compile cache and the token cache). NODE_EXTRA_CA_CERTS is unset for every
// timed run. Peak memory is each process's maxRSS, from /usr/bin/time when it exists. No network
// and no credentials: the emulator runs on loopback and the cached-token cases use a throwaway
// profile in a temp config folder, its secret in the OS keychain (re-run inside a private
// gnome-keyring session when there is no D-Bus session). Writes the table to bench/results.json
// under "startup".
import {spawnSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {baseline, EXTRA_CERTS_NOTE, withoutExtraCerts} from './support/baseline.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.cjs')
const FLOOR = join(ROOT, 'bench', 'support', 'oclif-floor.cjs')
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
  return withoutExtraCerts({...env, NO_COLOR: '1', ...extra})
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

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export async function main(args) {
  if (reexecInKeyringSession(args)) return
  const runs = Math.max(10, option(args, '--runs', 15))
  const warmup = option(args, '--warmup', 3)
  const old = baseline(ROOT, args)
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-startup-'))
  // Fresh cache folders: the warm-up rounds fill each build's compile cache, as a user's first calls do.
  const envFor = (name) => cleanEnv({TINK_CONFIG_DIR: join(dir, name, 'config'), XDG_CACHE_HOME: join(dir, name, 'cache')})
  const env = envFor('new')
  const emu = await startEmulator(env)
  const withTime = existsSync(TIME)
  try {
    const builds = [{key: '', bin: BIN, env}, ...(old ? [{key: '_old', bin: old.bin, env: envFor('old')}] : [])]
    let n = 0
    const token = (out) => {
      if (!/^\S+\n$/.test(out)) throw new Error(`token get --raw printed ${JSON.stringify(out)}`)
    }
    const cases = [
      {key: 'node', label: 'node -e 0', argv: ['-e', '0'], env},
      // No goal: what oclif costs before any command runs (bench/support/oclif-floor.cjs).
      {key: 'floor', label: 'oclif floor (oclif answers --version)', argv: [FLOOR], env, check: (o) => /^tink-auth-cli\/\S+ \S+ node-v/.test(o) || fail('floor', o)},
    ]
    for (const b of builds) {
      // A profile whose secret is in the keychain; the warm-up caches its client tokens there.
      const add = spawnSync(process.execPath, [b.bin, 'profile', 'add', 'bench', '--base-url', emu.url, '--client-id', emu.clientId, '--client-secret-stdin'], {
        env: b.env,
        input: emu.clientSecret,
        encoding: 'utf8',
      })
      if (add.status !== 0) throw new Error(`tink profile add failed (the keychain must answer: run inside a D-Bus session with a Secret Service): ${add.stderr}`)
      const suffix = b.key ? ' [old]' : ''
      cases.push(
        {key: `version${b.key}`, label: `tink --version${suffix}`, argv: [b.bin, '--version'], env: b.env, check: (o) => /^tink-auth-cli\/\S+ \S+ node-v/.test(o) || fail('version', o)},
        {key: `help${b.key}`, label: `tink --help${suffix}`, argv: [b.bin, '--help'], env: b.env, check: (o) => o.includes('COMMANDS') || fail('help', o)},
        {key: `token${b.key}`, label: `tink token get --raw (cached)${suffix}`, argv: [b.bin, 'token', 'get', '--raw'], env: b.env, check: token},
        {key: `user${b.key}`, label: `tink user create (token cached)${suffix}`, argv: () => [b.bin, 'user', 'create', '--external-user-id', `bench-${process.pid}-${n++}`, '--market', 'GB', '--json'], env: b.env, check: (o) => JSON.parse(o).user_id || fail('user', o)},
      )
      // A cached token means no request: say so if --verbose shows one.
      runOnce(cases.find((c) => c.key === `token${b.key}`), false)
      const traced = spawnSync(process.execPath, [b.bin, 'token', 'get', '--raw', '--verbose'], {env: b.env, encoding: 'utf8'})
      if (traced.status !== 0 || /> POST/.test(traced.stderr)) throw new Error(`token get --raw was not served from the cache:\n${traced.stderr}`)
    }

    // No goal: what the bundle's code cache (the one trick at bin/run.cjs) saves, measured.
    cases.push({key: 'help_nocache', label: 'tink --help, no code cache (TINK_NO_COMPILE_CACHE=1)', argv: [BIN, '--help'], env: {...env, TINK_NO_COMPILE_CACHE: '1'}, check: (o) => o.includes('COMMANDS') || fail('help', o)})

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
    // Goals: at most this many times the old build's median, in the same run.
    const goals = {version: 1.1, help: 1.3, token: 1.3, user: 1.3}
    const rows = cases.map((c) => {
      const vsOld = old && goals[c.key] ? med[c.key] / med[`${c.key}_old`] : undefined
      const goal = goals[c.key]
      return {
        key: c.key,
        label: c.label,
        medianMs: Number(med[c.key].toFixed(1)),
        minMs: Number(Math.min(...samples[c.key].ms).toFixed(1)),
        vsNode: Number((med[c.key] / med.node).toFixed(2)),
        vsOld: vsOld === undefined ? undefined : Number(vsOld.toFixed(2)),
        goal,
        goalMet: vsOld === undefined ? undefined : vsOld <= goal,
        maxRssMiB: rss[c.key] === undefined ? undefined : Number((rss[c.key] / 1024).toFixed(1)),
      }
    })

    const table = [
      ['case', 'median ms', 'min ms', 'x node -e 0', 'x old build', 'goal', 'max RSS MiB'],
      ...rows.map((r) => [
        r.label,
        r.medianMs.toFixed(1),
        r.minMs.toFixed(1),
        r.vsNode.toFixed(2),
        r.vsOld === undefined ? '' : r.vsOld.toFixed(2),
        r.goal === undefined || r.vsOld === undefined ? '' : `<= ${r.goal} ${r.goalMet ? 'ok' : 'MISSED'}`,
        r.maxRssMiB === undefined ? 'n/a' : r.maxRssMiB.toFixed(1),
      ]),
    ]
    const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
    process.stdout.write(
      `\nstartup: ${runs} interleaved runs per case after ${warmup} warm-up rounds, medians; Node ${process.version}, ${os()}\n` +
        `${EXTRA_CERTS_NOTE}\n` +
        (old ? `old build: ${old.label}\n` : 'no old build (--no-baseline)\n') +
        table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') +
        '\n' +
        `code cache: --help takes ${(med.help_nocache / med.help).toFixed(2)}x as long without it\n` +
        // Every case but --version runs through oclif (as it must): its floor alone, against the old build.
        (old
          ? `oclif floor = ${(med.floor / med.help_old).toFixed(2)}x the old build's --help, ${(med.floor / med.token_old).toFixed(2)}x its cached token get, ${(med.floor / med.user_old).toFixed(2)}x its user create\n`
          : ''),
    )
    saveResults('startup', {at: new Date().toISOString(), node: process.version, machine: os(), extraCaCerts: 'unset', baseline: old?.label, runs, warmup, rows})
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
