// Issue 24: the bulk run's window and pace against the emulator's own rate limit (a token bucket
// per client id, 429 with Retry-After; `rateLimit` here, --rate-limit on its command line),
// counted with GET /__emulator/stats: a limit it must find, a limit dropped mid-run through
// POST /__emulator/rate-limit, Retry-After honoured by every worker, a 503 storm (emulator
// faults), and --dry-run sending nothing but the token request. In process; --verbose tells why
// the pace and the window changed.
import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {startEmulator} from 'tink-emulator'
import {emulatorEnv, tempDir} from '../../helpers.js'
import {csv, fileWriter, lines, usersWithPrefix} from '../../support/bulk.js'
import {runTink} from '../../support/in-process.js'

const file = fileWriter(tempDir('tink-bulk-emu-limit-'))
let emu
let env

before(async () => {
  emu = await startEmulator({seed: 24, recordRequests: 50_000})
  env = emulatorEnv(emu)
})
after(() => emu.close())

const stats = async () => (await fetch(`${emu.url}/__emulator/stats`)).json()
/** What the emulator saw since `from` (an earlier stats answer). */
const since = (from, to) => {
  const byStatus = {}
  for (const [k, v] of Object.entries(to.byStatus)) if (v - (from.byStatus[k] ?? 0) > 0) byStatus[k] = v - (from.byStatus[k] ?? 0)
  return {requests: to.requests - from.requests, byStatus}
}
const paceCuts = (stderr) => [...stderr.matchAll(/^\* pace (\S+) -> ([\d.]+) requests\/s: (.*)$/gm)].map((m) => ({to: Number(m[2]), why: m[3]}))
const createdOnce = (prefix, n) => {
  const users = usersWithPrefix(emu, prefix)
  assert.equal(users.length, n, 'every user created')
  assert.equal(new Set(users.map((u) => u.external_user_id)).size, n, 'none twice')
}

test('a limit it must find: 100 requests/s at 20 ms, the pace settles under it, few 429s, every user once', async () => {
  emu.setRateLimit(100)
  emu.setFaults('latency=20ms')
  try {
    const from = await stats()
    const started = performance.now()
    const r = await runTink(['user', 'create', '--file', file('find.csv', csv(800, 'find-')), '--verbose'], {env})
    const secs = (performance.now() - started) / 1000
    assert.equal(r.code, 0, r.stderr.slice(-2000))
    createdOnce('find-', 800)
    const seen = since(from, await stats())
    const cuts = paceCuts(r.stderr)
    assert.ok(cuts.length >= 1 && cuts.every((c) => /429s recur/.test(c.why)), r.stderr.slice(0, 3000))
    const refused = seen.byStatus['429'] ?? 0
    assert.ok(refused / seen.requests <= 0.1, `${refused} of ${seen.requests} requests refused`)
    // 800 rows at 100/s: 8 s at the limit, less the bucket's burst of 100.
    assert.ok(secs < 14, `${secs.toFixed(1)} s`)
  } finally {
    emu.setRateLimit(undefined)
    emu.setFaults('')
  }
})

test('a limit that drops mid-run (POST /__emulator/rate-limit): the pace follows it down, every user once', async () => {
  emu.setRateLimit(300)
  emu.setFaults('latency=10ms')
  try {
    const run = runTink(['user', 'create', '--file', file('drop.csv', csv(700, 'drop-')), '--verbose'], {env})
    await new Promise((r) => setTimeout(r, 1000))
    const set = await fetch(`${emu.url}/__emulator/rate-limit`, {method: 'POST', body: '40'})
    const from = await stats()
    const r = await run
    assert.ok(set.ok, `the admin endpoint answered ${set.status}`)
    assert.equal(r.code, 0, r.stderr.slice(-2000))
    createdOnce('drop-', 700)
    const cuts = paceCuts(r.stderr)
    assert.ok(cuts.some((c) => c.to < 60), `the pace never came down to the new limit: ${JSON.stringify(cuts)}`)
    const seen = since(from, await stats())
    const refused = seen.byStatus['429'] ?? 0
    assert.ok(refused / seen.requests <= 0.15, `after the drop, ${refused} of ${seen.requests} requests refused`)
  } finally {
    emu.setRateLimit(undefined)
    emu.setFaults('')
  }
})

test("a 429's Retry-After pauses every worker: nothing is sent for the second it names", async () => {
  emu.setRateLimit(20)
  try {
    emu.requests.length = 0
    const r = await runTink(['user', 'create', '--file', file('ra.csv', csv(60, 'ra-'))], {env})
    assert.equal(r.code, 0, r.stderr)
    createdOnce('ra-', 60)
    assert.match(r.stderr, /Rate limited by the server/)
    const first = emu.requests.find((q) => q.status === 429)
    assert.ok(first, 'no 429 was answered')
    // The emulator says Retry-After: 1; requests already on their way may still arrive just after it.
    const during = emu.requests.filter((q) => q.at > first.at + 150 && q.at < first.at + 850)
    assert.deepEqual(during.map((q) => q.path), [], 'sent during the Retry-After pause')
  } finally {
    emu.setRateLimit(undefined)
  }
})

test('a 503 storm (emulator faults): the window comes down to its floor, rows are retried, every user once', async () => {
  emu.setFaults('latency=5ms')
  const run = runTink(['user', 'create', '--file', file('storm.csv', csv(3000, 'storm-')), '--verbose', '--retries', '5'], {env})
  // The window grows first; then most answers are 503 for a second and a half.
  await new Promise((r) => setTimeout(r, 400))
  emu.setFaults('503=0.7,latency=5ms')
  await new Promise((r) => setTimeout(r, 1500))
  emu.setFaults('')
  const r = await run
  const failed = lines(r.stdout).filter((x) => x.status === 'failed').length
  assert.ok([0, 6].includes(r.code), r.stderr.slice(-2000))
  const cuts = [...r.stderr.matchAll(/^\* window (\d+) -> (\d+): HTTP 503/gm)].map((m) => Number(m[2]))
  assert.ok(cuts.length > 0, 'the window was never cut on a 503')
  assert.equal(Math.min(...cuts), 8, 'the floor')
  assert.equal(usersWithPrefix(emu, 'storm-').length + failed, 3000)
})

test('--dry-run sends nothing but the token request: the emulator counts one request', async () => {
  const from = await stats()
  const r = await runTink(['user', 'create', '--file', file('dry.csv', csv(50, 'dry-')), '--dry-run', '--json'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.equal(lines(r.stdout).filter((x) => x.status === 'would_create').length, 50)
  assert.deepEqual(since(from, await stats()), {requests: 1, byStatus: {200: 1}})
  assert.equal(usersWithPrefix(emu, 'dry-').length, 0)
})
