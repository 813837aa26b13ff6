// Issue 24 item 1: the adaptive window of a bulk run (src/lib/bulk/window.ts) against a server
// with Tink's kind of rate limit (a token bucket; test/support/bulk.js): it grows while answers
// come back, finds a limit, backs off when the limit drops mid-run, on a 429 with or without
// Retry-After and on a 503 storm, and stays fixed with --adaptive off. In process; the window's
// changes are read from --verbose.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {runTink} from '../../support/in-process.js'
import {csv, fileWriter, lines, rateLimitedServer} from '../../support/bulk.js'
import {tempDir} from '../../helpers.js'

const file = fileWriter(tempDir('tink-bulk-adaptive-'))
/** The window's sizes as --verbose logged them, in order. */
const windows = (stderr) => [...stderr.matchAll(/^\* window (\d+) -> (\d+): (.*)$/gm)].map((m) => ({from: Number(m[1]), to: Number(m[2]), why: m[3]}))
const createdOnce = (server, prefix, n) => {
  assert.equal(server.created.size, n, 'every user created')
  for (const [ext, count] of server.created) assert.equal(count, 1, `${ext} created ${count} times`)
  assert.ok([...server.created.keys()].every((k) => k.startsWith(prefix)))
}

test('without a limit the window grows past its start while answers come back fast', async () => {
  // Far above what a busy machine adds to an answer in process (two suites at once added more than
  // 80 ms), which the window rightly takes for queueing.
  const server = await rateLimitedServer({latencyMs: 200})
  try {
    const r = await runTink(['user', 'create', '--file', file('free.csv', csv(400, 'free-')), '--verbose'], {env: server.env})
    assert.equal(r.code, 0, r.stderr)
    const w = windows(r.stderr)
    assert.ok(w.length > 0 && w[0].from === 8, r.stderr.slice(0, 2000))
    assert.ok(Math.max(...w.map((x) => x.to)) >= 32, `the window stayed at ${Math.max(...w.map((x) => x.to))}`)
    assert.ok(w.every((x) => x.to <= 64), 'past --concurrency')
    assert.match(w[0].why, /without 429 or 503/)
    createdOnce(server, 'free-', 400)
  } finally {
    await server.close()
  }
})

test('answers that slow down as more are in flight (a saturated server): the window stops growing and comes back down', async () => {
  const server = await rateLimitedServer({latencyMs: 30, queueMs: 2})
  try {
    const r = await runTink(['user', 'create', '--file', file('slow.csv', csv(800, 'slow-')), '--verbose'], {env: server.env})
    assert.equal(r.code, 0, r.stderr)
    const w = windows(r.stderr)
    // Start-up overshoots by up to one round trip's doubling (as TCP's slow start does), never to the bound.
    const most = Math.max(8, ...w.map((x) => x.to))
    assert.ok(most < 64, `the window grew to ${most} (--concurrency) while answers slowed down`)
    assert.ok(w.some((x) => x.to < x.from && /answers slow down \(\d+ ms against \d+ ms at best\): requests queue/.test(x.why)), r.stderr.slice(0, 3000))
    createdOnce(server, 'slow-', 800)
  } finally {
    await server.close()
  }
})

test('a limit it must find: 100 requests/s, the window is cut on the 429s, few requests are refused, every user created once', async () => {
  const server = await rateLimitedServer({rate: 100, latencyMs: 50})
  try {
    const started = performance.now()
    const r = await runTink(['user', 'create', '--file', file('limit.csv', csv(600, 'limit-')), '--verbose'], {env: server.env})
    const secs = (performance.now() - started) / 1000
    assert.equal(r.code, 0, r.stderr)
    createdOnce(server, 'limit-', 600)
    const w = windows(r.stderr)
    assert.ok(w.some((x) => /HTTP 429/.test(x.why) && x.to < x.from), 'the window was never cut on a 429')
    // Most refusals come from the start-up's overshoot (the window doubles each round trip until the first 429).
    const refused = server.byStatus[429] ?? 0
    assert.ok(refused / server.requests <= 0.2, `${refused} of ${server.requests} requests refused`)
    // 600 rows at 100/s: 6 s at the limit (the bucket's burst of 100 makes it a little less).
    assert.ok(secs < 10, `${secs.toFixed(1)} s for 600 rows at a limit of 100/s`)
  } finally {
    await server.close()
  }
})

test('a limit that drops mid-run: the window comes down and the run still creates every user once', async () => {
  const server = await rateLimitedServer({rate: 300, latencyMs: 20})
  try {
    const run = runTink(['user', 'create', '--file', file('drop.csv', csv(500, 'drop-')), '--verbose'], {env: server.env})
    await new Promise((r) => setTimeout(r, 600))
    const sentBefore = server.requests
    server.rate = 40
    const r = await run
    assert.equal(r.code, 0, r.stderr)
    createdOnce(server, 'drop-', 500)
    assert.ok(sentBefore < 500, 'the run ended before the limit dropped')
    const cuts = windows(r.stderr).filter((x) => /HTTP 429/.test(x.why))
    assert.ok(cuts.length >= 1, r.stderr.slice(-2000))
    assert.ok(Math.min(...cuts.map((x) => x.to)) < Math.max(...windows(r.stderr).map((x) => x.to)), 'the window never came down')
    const refused = server.byStatus[429] ?? 0
    assert.ok(refused / server.requests <= 0.25, `${refused} of ${server.requests} requests refused`)
  } finally {
    await server.close()
  }
})

test('a 429 with Retry-After pauses every worker for it; a 429 without one backs off too', async () => {
  for (const retryAfter of ['1', null]) {
    const server = await rateLimitedServer({rate: 20, latencyMs: 10, retryAfter})
    try {
      const r = await runTink(['user', 'create', '--file', file(`ra-${retryAfter}.csv`, csv(60, `ra-${retryAfter}-`)), '--verbose'], {env: server.env})
      assert.equal(r.code, 0, JSON.stringify(lines(r.stdout).filter((x) => x.status === 'failed')))
      createdOnce(server, `ra-${retryAfter}-`, 60)
      assert.ok(windows(r.stderr).some((x) => /HTTP 429/.test(x.why) && x.to < x.from), `Retry-After ${retryAfter}: no cut`)
      if (retryAfter) assert.match(r.stderr, /Rate limited by the server/)
    } finally {
      await server.close()
    }
  }
})

test('a 503 storm: the window shrinks to its floor (the start, 8), the rows are retried, every user created once', async () => {
  // 100 creates get 503 (more than one row's retries, so the window must come down), from the
  // first moment more than the start is in flight: a window still at its floor has nothing to
  // cut. Answers take 100 ms, far above what a busy machine adds to an answer in process, which
  // the window rightly takes for queueing and would not grow on.
  let stormFrom
  const status = (n, s) => {
    if (stormFrom === undefined && s.inProgress > 8) stormFrom = n
    return stormFrom !== undefined && n >= stormFrom && n < stormFrom + 100 ? 503 : undefined
  }
  const server = await rateLimitedServer({latencyMs: 100, status})
  try {
    const r = await runTink(['user', 'create', '--file', file('storm.csv', csv(200, 'storm-')), '--verbose', '--retries', '5'], {env: server.env})
    const rows = lines(r.stdout)
    const failed = rows.filter((x) => x.status === 'failed').length
    assert.ok([0, 6].includes(r.code), r.stderr)
    const w = windows(r.stderr)
    assert.ok(w.some((x) => /HTTP 503/.test(x.why)), 'no cut on 503')
    assert.equal(Math.min(...w.map((x) => x.to)), 8, 'the floor')
    for (const [ext, count] of server.created) assert.equal(count, 1, ext)
    assert.equal(server.created.size + failed, 200)
  } finally {
    await server.close()
  }
})

test('--adaptive off keeps the window at --concurrency: no change, and the progress line says so', async () => {
  const server = await rateLimitedServer({latencyMs: 20})
  try {
    const r = await runTink(['user', 'create', '--file', file('fixed.csv', csv(100, 'fixed-')), '--verbose', '--adaptive', 'off', '--concurrency', '12'], {
      env: {...server.env, TINK_PROGRESS_SECONDS: '0.1'},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(windows(r.stderr), [])
    assert.match(r.stderr, /rows\/s {2}ETA \S+ {2}window 12$/m)
    createdOnce(server, 'fixed-', 100)
  } finally {
    await server.close()
  }
})
