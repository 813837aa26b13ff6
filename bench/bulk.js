// `npm run bench -- bulk`: bulk user create against the emulator (a separate process, loopback
// only), side by side with what people do today:
//   (a) a sequential shell loop of curl (one token, then one curl per user),
//   (b) xargs -P 16 running curl,
//   (c) a raw in-process undici loop with the same concurrency (about the limit of this machine):
//       bench/support/raw-loop.js run as its own process, start-up included as tink's is, and the same
//       loop inside this already warm bench process, as a reference,
// and the CLI's peak memory for 1,000 vs 100,000 rows.
// Options: --users N (default 5000), --seq-users N (default 1000: the curl loop is slow, so it
// runs on fewer users; users/second is what is compared), --rounds N (default 9: runs of tink
// and of (c), interleaved; medians; with 5 the ratio still moved by 0.1), --no-memory,
// --memory-rows N; then the rate-limit cases of bench/bulk-limits.js (--no-limits skips them).
// The comparison with the baseline build is `npm run bench` (bench/compare.js).
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {rawLoop as rawLoopInProcess} from './support/raw-loop.js'
import {EXTRA_CERTS_NOTE} from './support/baseline.js'
import {BIN, ROOT, cleanEnv, median, numberOption as option, saveResults, startEmulator} from './support/common.js'

const CONCURRENCY = 16

function run(cmd, args, {env, input} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let lines = 0
    child.stdout.on('data', (d) => {
      for (const b of d) if (b === 10) lines++
      if (stdout.length < 4096) stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr, lines}))
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

async function countUsers(emu, prefix) {
  const res = await fetch(`${emu.url}/__emulator/users`)
  const users = await res.json()
  return users.filter((u) => u.external_user_id?.startsWith(prefix)).length
}

async function clientToken(emu) {
  const body = new URLSearchParams({grant_type: 'client_credentials', client_id: emu.clientId, client_secret: emu.clientSecret, scope: 'user:create'})
  const res = await fetch(`${emu.url}/api/v1/oauth/token`, {method: 'POST', body})
  return (await res.json()).access_token
}

function csvFile(dir, prefix, n) {
  const lines = ['external_user_id,market,locale']
  for (let i = 0; i < n; i++) lines.push(`${prefix}${i},GB,en_US`)
  const file = join(dir, `${prefix}users.csv`)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

/** The shell script behind (a) and (b): one curl per user, token in a header file, not argv. */
function curlScript(dir, emu, token) {
  const headers = join(dir, 'curl-headers')
  writeFileSync(headers, `Authorization: Bearer ${token}\nContent-Type: application/json\n`, {mode: 0o600})
  const script = join(dir, 'create-one.sh')
  writeFileSync(
    script,
    `#!/bin/sh\ncurl -s -o /dev/null -w '%{http_code}\\n' -X POST -H @${headers} --data "{\\"external_user_id\\":\\"$1\\",\\"market\\":\\"GB\\",\\"locale\\":\\"en_US\\"}" ${emu.url}/api/v1/user/create\n`,
    {mode: 0o700},
  )
  return script
}

function rawLoop(emu, token, prefix, users) {
  return rawLoopInProcess({url: emu.url, token, prefix, users, concurrency: CONCURRENCY})
}

async function measure(label, users, fn) {
  const started = performance.now()
  const detail = await fn()
  const secs = (performance.now() - started) / 1000
  return {label, users, secs, rate: users / secs, ...detail}
}

export async function main(args) {
  const users = option(args, '--users', 5000)
  const seqUsers = option(args, '--seq-users', 1000)
  const memoryRows = option(args, '--memory-rows', 100_000)
  const rounds = Math.max(1, option(args, '--rounds', 9))
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-'))
  const emu = await startEmulator()
  const cliEnv = cleanEnv({TINK_API_URL: emu.url, TINK_CLIENT_ID: emu.clientId, TINK_CLIENT_SECRET: emu.clientSecret, TINK_CONFIG_DIR: dir, XDG_CACHE_HOME: join(dir, 'cache')})
  const results = []
  try {
    process.stderr.write(`emulator at ${emu.url}; ${users} users per run, concurrency ${CONCURRENCY}\n`)

    // Warm the emulator's JIT first, so the method measured first is not penalised for it.
    await rawLoop(emu, await clientToken(emu), 'warm-', 3000)

    // One small run first, so tink times with its code cache, as on a user's machine.
    const warm = await run(process.execPath, [BIN, 'user', 'create', '--file', csvFile(dir, 'warm-new-', 50), '--concurrency', String(CONCURRENCY)], {env: cliEnv})
    if (warm.code !== 0) throw new Error(`warm-up run exited ${warm.code}: ${warm.stderr}`)

    const token = await clientToken(emu)
    const script = curlScript(dir, emu, token)

    // Whole processes, start-up included: tink and (c) a raw undici loop
    // (CONCURRENCY workers over one keep-alive pool, no retries, no checks, as a script of its own:
    // what someone would write instead of tink; node start-up, undici's load and JIT warm-up count,
    // as they do for tink). --rounds interleaved rounds (the order rotates), each run on users of
    // its own; the median run is compared: single runs moved the ratios by 10-20% between benchmark
    // runs on this machine.
    const contenders = [
      // --adaptive off: the same fixed 16 in flight as (c) (the adaptive window is measured by bench/bulk-limits.js).
      {label: 'tink user create --file', env: cliEnv, prefix: 'tink-', argv: (file) => [BIN, 'user', 'create', '--file', file, '--concurrency', String(CONCURRENCY), '--adaptive', 'off']},
      {label: `(c) raw undici loop, ${CONCURRENCY} in flight, own process`, env: cleanEnv({BENCH_TOKEN: token}), prefix: 'raw-', argv: (_file, prefix) => [join(ROOT, 'bench', 'support', 'raw-loop.js'), emu.url, prefix, String(users), String(CONCURRENCY)]},
    ].map((c) => ({...c, runs: []}))
    for (let round = 0; round < rounds; round++) {
      process.stderr.write(`\rround ${round + 1}/${rounds}   `)
      for (let i = 0; i < contenders.length; i++) {
        const c = contenders[(i + round) % contenders.length]
        const prefix = `${c.prefix}${round}-`
        const file = csvFile(dir, prefix, users)
        const started = performance.now()
        const r = await run(process.execPath, c.argv(file, prefix), {env: c.env})
        const secs = (performance.now() - started) / 1000
        if (r.code !== 0) throw new Error(`${c.label} exited ${r.code}: ${r.stderr}`)
        const created = await countUsers(emu, prefix)
        if (created !== users) throw new Error(`${c.label} created ${created} of ${users} users`)
        // tink's summary has its own rate: rows/s from the first row read to the last row written, start-up excluded.
        c.runs.push({secs, engineRate: Number(/\((\d+) rows\/s\)/.exec(r.stderr)?.[1])})
      }
    }
    process.stderr.write('\n')
    const summary = (prefix) => {
      const c = contenders.find((x) => x.prefix === prefix)
      if (!c) return undefined
      const secs = median(c.runs.map((r) => r.secs))
      return {label: c.label, users, secs, rate: users / secs, engineRate: median(c.runs.map((r) => r.engineRate)), created: users, runs: c.runs.map((r) => Number(r.secs.toFixed(3)))}
    }
    const [tink, raw] = [summary('tink-'), summary('raw-')]
    results.push(tink)

    // (a) the sequential curl loop.
    const seq = await measure('(a) sh loop of curl, sequential', seqUsers, async () => {
      const r = await run('sh', ['-c', `i=0; while [ $i -lt ${seqUsers} ]; do ${script} seq-$i; i=$((i+1)); done`])
      return {lines: r.lines}
    })
    seq.created = await countUsers(emu, 'seq-')
    results.push(seq)

    // (b) xargs -P 16 curl.
    const ids = Array.from({length: users}, (_, i) => `xargs-${i}`).join('\n') + '\n'
    const xargs = await measure(`(b) xargs -P ${CONCURRENCY} curl`, users, async () => {
      const r = await run('xargs', ['-P', String(CONCURRENCY), '-n', '1', script], {input: ids})
      return {lines: r.lines}
    })
    xargs.created = await countUsers(emu, 'xargs-')
    results.push(xargs, raw)
    // ...and inside this process, whose JIT the warm-up above has already trained on this loop.
    const rawWarm = await measure(`    raw undici loop inside the warm bench process`, users, () => rawLoop(emu, token, 'rawwarm-', users))
    rawWarm.created = await countUsers(emu, 'rawwarm-')
    results.push(rawWarm)

    const table = [
      ['method', 'users', 'seconds', 'users/s', 'created'],
      ...results.map((r) => [r.label, String(r.users), r.secs.toFixed(2), r.rate.toFixed(0), String(r.created)]),
      ['  tink without process start-up (its summary, median)', String(users), (users / tink.engineRate).toFixed(2), String(tink.engineRate), ''],
    ]
    const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
    process.stdout.write(`\ntink and (c): the median of ${rounds} interleaved runs each; the others one run\n`)
    process.stdout.write(table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n\n')
    // Ratios use tink's whole wall time, start-up included, as every other process is timed. The
    // warm in-bench loop pays no start-up at all: shown against tink with and without its start-up.
    const ratio = (other, goal, rate = tink.rate, note = '', name = other.label.slice(0, 3)) => {
      const x = rate / other.rate
      return `tink${note} / ${name}: ${x.toFixed(2)}x ${goal === undefined ? '(no goal)' : `(goal >= ${goal}x) ${x >= goal ? 'ok' : 'MISSED'}`}`
    }
    process.stdout.write(`${EXTRA_CERTS_NOTE}\n`)
    process.stdout.write(
      [
        ratio(seq, 10),
        ratio(xargs, 1),
        ratio(raw, 0.7),
        ratio(rawWarm, undefined, tink.rate, '', 'warm in-bench loop (reference)'),
        ratio(rawWarm, undefined, tink.engineRate, ' (start-up excluded)', 'warm in-bench loop (reference)'),
      ].join('\n') + '\n',
    )

    let memory
    if (!args.includes('--no-memory')) {
      const peak = async (n, prefix) => {
        const file = csvFile(dir, prefix, n)
        const r = await run('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'user', 'create', '--file', file, '--concurrency', String(CONCURRENCY)], {env: cliEnv})
        if (r.code !== 0) throw new Error(`tink exited ${r.code}: ${r.stderr}`)
        return Number(r.stderr.trim().split('\n').pop())
      }
      const small = await peak(1000, 'mem1k-')
      const large = await peak(memoryRows, 'memlarge-')
      memory = {rows1k: small, rowsLarge: large, ratio: large / small}
      process.stdout.write(`\npeak RSS of tink: 1,000 rows ${(small / 1024).toFixed(1)} MiB, ${memoryRows.toLocaleString('en')} rows ${(large / 1024).toFixed(1)} MiB: ${memory.ratio.toFixed(2)}x (goal <= 1.5x) ${memory.ratio <= 1.5 ? 'ok' : 'MISSED'}\n`)
    }
    // Issue 24: the adaptive window against Tink's kind of rate limit, in the same run.
    const limits = args.includes('--no-limits') ? undefined : await (await import('./bulk-limits.js')).main(args)
    saveResults('bulk', {at: new Date().toISOString(), node: process.version, results, memory, limits})
  } finally {
    await emu.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}
