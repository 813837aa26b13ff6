// `npm run bench` (the default target; `npm run bench -- compare`): this build against the
// baseline, commit 18003ef, the last commit before issue 22's first change (built once in a cache
// folder: bench/support/baseline.js), side by side in the same run, against one emulator started
// once and shared by both sides (same port, same state; each side its own client id, config folder
// and code cache folder, so their token caches and code caches do not meet).
//
// Cases, with the goals of issue 22 (this build's median / the baseline's median):
//   tink --version, tink --help, a cached `tink token get --raw`, `tink user create` (one user,
//   a unique external id, the client token cached): at most 1.1x;
//   bulk `tink user create --file` of --rows rows (default 3,000) with default flags, and with
//   --concurrency 8 (the same rows in flight on both sides): rows/s at least 0.95x (whole process,
//   start-up included).
// Every round runs every case on both sides, one side right after the other (the order of the
// sides alternates between rounds, the order of the cases rotates), so machine noise hits both
// sides alike; medians of --rounds rounds (default 15, or TINK_BENCH_ROUNDS) after --warmup rounds
// (default 3, which also fill each side's code cache and token cache). The emulator's request
// counter (GET /__emulator/stats) is read around every run: a cached `token get` must send
// nothing and `user create` exactly one request, on both sides, or the benchmark stops.
// Beside the ratio of the medians (what the goals judge), the median of each round's own ratio
// (the two runs of a case follow each other, so a slow minute of the machine hits both): when
// the two differ much, the machine was too busy for the figure. NODE_EXTRA_CA_CERTS is unset for
// every timed run. Options: --no-startup, --no-bulk, --rows N, --bulk-flags "FLAGS" (the second
// bulk case's flags, given to both sides), --cpu (also each process's CPU time, through a preload
// on both sides: bench/support/cpu-usage.cjs), --baseline DIR, --baseline-rev REV. Writes
// bench/results.json under "compare".
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {baseline, EXTRA_CERTS_NOTE} from './support/baseline.js'
import {BIN, ROOT, cleanEnv, formatTable, load1, machine, median, numberOption, reexecInKeyringSession, saveResults, startEmulator} from './support/common.js'

export const main = (args) => compare('compare', args)

const BASE_CLIENT = {id: 'tink-bench-baseline-client', secret: 'tink-bench-baseline-secret'}

const CPU_PRELOAD = join(ROOT, 'bench', 'support', 'cpu-usage.cjs')

/** One timed run: wall ms from spawn to exit (and with `cpu`, the child's CPU ms); its stdout for its check. */
function runOnce(argv, env, label, cpu) {
  const cpuFile = cpu && join(cpu, 'cpu-ms')
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, cpu ? ['-r', CPU_PRELOAD, ...argv] : argv, {
    env: cpu ? {...env, TINK_BENCH_CPU_FILE: cpuFile} : env,
    input: '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (r.status !== 0) throw new Error(`${label} exited ${r.status}: ${r.stderr.slice(0, 2000)}${r.stdout.slice(0, 500)}`)
  return {ms, cpuMs: cpu ? Number(readFileSync(cpuFile, 'utf8')) : undefined, stdout: r.stdout, stderr: r.stderr}
}

function fail(what, out) {
  throw new Error(`unexpected ${what} output: ${String(out).slice(0, 300)}`)
}

const VERSION_LINE = /^tink-auth-cli\/\S+ \S+ node-v\S+\n$/

/** The cases of one side: argv, the output check and how many requests to the emulator it must send. */
let n = 0
function casesOf(side, {rows, dir, bulkVariants}) {
  const bin = side.bin
  return [
    {key: 'version', label: 'tink --version', goal: {max: 1.1}, argv: () => [bin, '--version'], requests: 0, check: (o) => VERSION_LINE.test(o) || fail('--version', o)},
    {key: 'help', label: 'tink --help', goal: {max: 1.1}, argv: () => [bin, '--help'], requests: 0, check: (o) => o.includes('COMMANDS') || fail('--help', o)},
    {key: 'token', label: 'tink token get --raw (cached)', goal: {max: 1.1}, argv: () => [bin, 'token', 'get', '--raw'], requests: 0, check: (o) => /^\S+\n$/.test(o) || fail('token get --raw', o)},
    {
      key: 'user',
      label: 'tink user create (token cached)',
      goal: {max: 1.1},
      argv: () => [bin, 'user', 'create', '--external-user-id', `bench-${side.key}-${process.pid}-${n++}`, '--market', 'GB', '--json'],
      requests: 1,
      check: (o) => JSON.parse(o).user_id || fail('user create', o),
    },
    ...bulkVariants.map((flags, v) => ({
      key: v ? `bulk_${flags.join('_').replace(/\W+/g, '')}` : 'bulk',
      bulk: true,
      label: `tink user create --file (${rows.toLocaleString('en')} rows, ${flags.length ? flags.join(' ') : 'default flags'})`,
      goal: {min: 0.95},
      argv: () => {
        const prefix = `bulk-${side.key}-${process.pid}-${n++}-`
        const file = join(dir, `${prefix}users.csv`)
        writeFileSync(file, ['external_user_id,market', ...Array.from({length: rows}, (_, i) => `${prefix}${i},GB`)].join('\n') + '\n')
        return [bin, 'user', 'create', '--file', file, ...flags]
      },
      // The client token may be fetched once, if it expired since the last run.
      requests: [rows, rows + 1],
      check: (o) => o.split('\n').filter((l) => l.includes('"created"')).length === rows || fail(`bulk (${rows} rows created)`, o.slice(-300)),
    })),
  ]
}

export async function compare(target, args) {
  if (reexecInKeyringSession(target, args)) return
  const rounds = numberOption(args, '--rounds', Number(process.env.TINK_BENCH_ROUNDS) || 15)
  const warmup = numberOption(args, '--warmup', 3)
  const rows = numberOption(args, '--rows', 3000)
  // Bulk runs with default flags (the goal), and with flags both builds have that put the same rows
  // in flight on both sides: --concurrency 8, the baseline's default (this build's window grows to
  // 64 by default). --bulk-flags "FLAGS" replaces the second.
  const i = args.indexOf('--bulk-flags')
  const bulkVariants = [[], i >= 0 ? args[i + 1].split(/\s+/).filter(Boolean) : ['--concurrency', '8']]
  const base = baseline(ROOT, args)
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-compare-'))
  const cpu = args.includes('--cpu') ? dir : undefined
  const emu = await startEmulator(['--client', `${BASE_CLIENT.id}:${BASE_CLIENT.secret}`])
  const loads = [load1()]
  try {
    const sides = [
      {key: 'this', label: 'this build', bin: BIN, clientId: emu.clientId, clientSecret: emu.clientSecret},
      {key: 'base', label: 'baseline', bin: base.bin, clientId: BASE_CLIENT.id, clientSecret: BASE_CLIENT.secret},
    ]
    for (const side of sides) {
      // Fresh folders: the warm-up rounds fill each side's code cache and token cache, as a user's first calls do.
      side.env = cleanEnv({TINK_CONFIG_DIR: join(dir, side.key, 'config'), XDG_CACHE_HOME: join(dir, side.key, 'cache')})
      // A profile whose secret is in the OS keychain, as a user's is.
      const add = spawnSync(process.execPath, [side.bin, 'profile', 'add', `bench-${side.key}`, '--base-url', emu.url, '--client-id', side.clientId, '--client-secret-stdin'], {
        env: side.env,
        input: side.clientSecret,
        encoding: 'utf8',
      })
      if (add.status !== 0) throw new Error(`${side.label}: tink profile add failed (the keychain must answer: run inside a D-Bus session with a Secret Service): ${add.stderr}`)
      side.cases = casesOf(side, {rows, dir, bulkVariants}).filter((c) => (c.bulk ? !args.includes('--no-bulk') : !args.includes('--no-startup')))
      // The first calls fetch the client tokens (token get's scope and user create's) into the token cache.
      const all = casesOf(side, {rows: 1, dir, bulkVariants})
      for (const key of ['token', 'user']) runOnce(all.find((c) => c.key === key).argv(), side.env, `${key} (priming the token cache) [${side.label}]`)
    }
    const keys = sides[0].cases.map((c) => c.key)
    const samples = Object.fromEntries(sides.map((s) => [s.key, Object.fromEntries(keys.map((k) => [k, []]))]))
    const cpuSamples = Object.fromEntries(sides.map((s) => [s.key, Object.fromEntries(keys.map((k) => [k, []]))]))
    const node = []
    const env = sides[0].env

    const total = warmup + rounds
    for (let round = 0; round < total; round++) {
      process.stderr.write(`\rround ${round + 1}/${total}${round < warmup ? ' (warm-up)' : ''}, load ${load1()}   `)
      node.push(runOnce(['-e', '0'], env, 'node -e 0').ms)
      for (let i = 0; i < keys.length; i++) {
        const key = keys[(i + round) % keys.length]
        for (const side of round % 2 ? [sides[1], sides[0]] : sides) {
          const c = side.cases.find((x) => x.key === key)
          const before = (await emu.stats()).requests
          const r = runOnce(c.argv(), side.env, `${c.label} [${side.label}]`, cpu)
          const sent = (await emu.stats()).requests - before
          const [lo, hi] = Array.isArray(c.requests) ? c.requests : [c.requests, c.requests]
          if (sent < lo || sent > hi) throw new Error(`${c.label} [${side.label}] sent ${sent} requests to the emulator (expected ${lo === hi ? lo : `${lo}-${hi}`}): ${r.stderr.slice(0, 500)}`)
          c.check(r.stdout)
          if (round >= warmup) samples[side.key][key].push(c.bulk ? rows / (r.ms / 1000) : r.ms)
          if (round >= warmup && cpu) cpuSamples[side.key][key].push(r.cpuMs)
        }
      }
      if (round >= warmup) loads.push(load1())
    }
    process.stderr.write('\n')

    const results = sides[0].cases.map((c) => {
      const [a, b] = [samples.this[c.key], samples.base[c.key]]
      const ratio = median(a) / median(b)
      // Round by round (the same index on both sides is the same round).
      const paired = median(a.map((x, k) => x / b[k]))
      const pass = c.goal.max !== undefined ? ratio <= c.goal.max : ratio >= c.goal.min
      const unit = c.bulk ? 'rows/s' : 'ms'
      const best = c.bulk ? Math.max : Math.min
      const cpuMs = cpu ? {this: median(cpuSamples.this[c.key]), baseline: median(cpuSamples.base[c.key])} : undefined
      return {key: c.key, label: c.label, unit, this: median(a), baseline: median(b), bestThis: best(...a), bestBaseline: best(...b), ratio, paired, goal: c.goal, pass, cpuMs, samples: {this: a, baseline: b}}
    })
    const fmt = (r, v) => (r.unit === 'ms' ? `${v.toFixed(1)} ms` : `${Math.round(v).toLocaleString('en')} rows/s`)
    const goalText = (g) => (g.max !== undefined ? `<= ${g.max}x` : `>= ${g.min}x`)
    const table = [
      ['case', 'this build', 'baseline', 'this / baseline', 'goal', '', 'per round', ...(cpu ? ['CPU this / baseline'] : [])],
      ...results.map((r) => [
        r.label,
        fmt(r, r.this),
        fmt(r, r.baseline),
        `${r.ratio.toFixed(2)}x`,
        goalText(r.goal),
        r.pass ? 'PASS' : 'MISS',
        `${r.paired.toFixed(2)}x`,
        ...(cpu ? [`${r.cpuMs.this.toFixed(1)} / ${r.cpuMs.baseline.toFixed(1)} ms = ${(r.cpuMs.this / r.cpuMs.baseline).toFixed(2)}x`] : []),
      ]),
      ['node -e 0 (reference: Node itself)', `${median(node).toFixed(1)} ms`, '', '', '', '', '', ...(cpu ? [''] : [])],
    ]
    const load = {start: loads[0], max: Math.max(...loads), end: loads.at(-1)}
    process.stdout.write(
      `\ncompare: this build against the baseline ${base.label}\n` +
        `${rounds} interleaved rounds after ${warmup} warm-up rounds, medians; one emulator for both sides (${emu.url})\n` +
        `this / baseline: the ratio of the medians (the goal's figure); per round: the median of each round's ratio\n` +
        (cpu ? `--cpu: every timed run preloads bench/support/cpu-usage.cjs; CPU: medians of the processes' CPU time (user + system)\n` : '') +
        `Node ${process.version}, ${machine()}; load average (1 min) ${load.start} at the start, ${load.max} at most, ${load.end} at the end\n` +
        `${EXTRA_CERTS_NOTE}\n` +
        `requests checked on the emulator around every run: cached token get 0, user create 1, bulk one a row\n\n` +
        formatTable(table),
    )
    saveResults('compare', {at: new Date().toISOString(), node: process.version, machine: machine(), load, extraCaCerts: 'unset', baseline: base.label, rounds, warmup, rows, node0: median(node), results})
    return results
  } finally {
    await emu.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
