// The pace under a rate limit (src/lib/bulk/rate.ts), as pure logic on a made-up clock: a 429
// alone keeps the pace, 429s that recur set it just under what the server accepted, the pace then
// probes upward slowly, a pause counts as time (a burst after it is no higher limit), and 429s that keep coming whatever the
// pace while nearly everything is accepted are noise: the pace does not spiral down on them.
import {test} from 'node:test'
import assert from 'node:assert/strict'

const {RateController} = await import('../../../dist/lib/bulk/rate.js')

/** Answers `n` per second for `ms` from `t0`, a share `refused` of them 429 (a tenth unless told); returns the end time. */
function feed(c, t0, ms, n, refused = 0.1) {
  const every = 1000 / n
  let k = 0
  for (let t = t0; t < t0 + ms; t += every, k++) c.answered(refused > 0 && k % Math.round(1 / refused) === 0 ? 429 : 200, t)
  return t0 + ms
}

/** `feed`, then a 429 to a request sent a millisecond before its end; returns the end time. */
function feedThenLimited(c, t0, ms, n, refused) {
  const t = feed(c, t0, ms, n, refused)
  c.limited(t - 1, t)
  return t
}

test('a 429 after a quiet while keeps the pace; one that recurs sets it just under the accepted rate', () => {
  const lines = []
  const c = new RateController((l) => lines.push(l))
  let t = feed(c, 10_000, 1000, 160)
  c.limited(t - 50, t)
  assert.equal(c.pace(t), undefined, 'a single 429 is no limit yet')
  assert.match(lines.at(-1), /pace kept: one 429 after a quiet while/)
  t = feed(c, t, 2500, 100)
  c.limited(t - 50, t)
  const pace = c.pace(t)
  assert.ok(pace >= 80 && pace <= 86, `pace ${pace}`)
  assert.match(lines.at(-1), /429s recur; the server accepted 90\/s over the last two seconds/)
})

test('after a cut the pace probes upward slowly, a few percent a second', () => {
  const c = new RateController()
  let t = feedThenLimited(c, 0, 1000, 100)
  t = feedThenLimited(c, t, 1000, 100)
  const cut = c.pace(t)
  assert.ok(c.pace(t + 1000) > cut && c.pace(t + 1000) < cut * 1.05)
  assert.ok(c.pace(t + 5000) > cut * 1.05)
})

test('a 429 to a request sent before the last cut says nothing new', () => {
  const c = new RateController()
  let t = feedThenLimited(c, 0, 1000, 100)
  t = feedThenLimited(c, t, 1000, 100)
  const cutAt = t
  const cut = c.pace(t)
  t = feed(c, t, 1500, 20)
  c.limited(cutAt - 10, t)
  assert.equal(c.pace(t), cut * (1 + (0.02 * (t - cutAt)) / 1000))
})

test('a pause counts as time: the burst a server allows after a Retry-After does not look like a higher limit', () => {
  const c = new RateController()
  let t = feedThenLimited(c, 0, 1000, 100)
  // The server's allowance grew during the pause and is spent at once after it: a burst, not a higher limit.
  t = feedThenLimited(c, t + 1000, 200, 500)
  const pace = c.pace(t)
  assert.ok(pace < 100, `the burst after the pause made the estimate ${pace}`)
})

test('a limit that drops: the pace follows it down', () => {
  const c = new RateController()
  let t = feedThenLimited(c, 0, 1000, 300)
  t = feedThenLimited(c, t, 1000, 300)
  t = feedThenLimited(c, t, 2500, 40, 0.5)
  assert.ok(c.pace(t) < 40, `pace ${c.pace(t)}`)
})

test('5% random 429s whatever the pace, nearly all else accepted: noise, the pace does not spiral down', () => {
  const lines = []
  const c = new RateController((l) => lines.push(l))
  let t = 0
  let rate = 400
  for (let second = 0; second < 30; second++) {
    const pace = c.pace(t)
    rate = pace === undefined ? 400 : Math.min(400, pace)
    t = feed(c, t, 1000, rate, 0.05)
    c.limited(t - 1, t)
  }
  assert.ok(rate > 200, `the pace spiralled down to ${rate}/s`)
  assert.ok(lines.some((l) => /noise, not a limit/.test(l)), lines.join('\n'))
})
