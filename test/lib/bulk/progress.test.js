// What a person watching a bulk run sees of its progress (issue 15), in process against the
// emulator with latency on, so the run lasts long enough to draw: on a terminal one line redrawn
// in place, cut to the terminal's width, with the counts per status and rows/s; without a terminal
// a plain line every TINK_PROGRESS_SECONDS; with stdout on the same terminal, result lines never
// share a line with the bar.
import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {emulatorEnv, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'

const ERASE = '\r\x1b[2K'
let emu
let env
let dir
let n = 0

before(async () => {
  emu = await startEmulator({seed: 15})
  emu.setFaults('latency=40ms')
  env = emulatorEnv(emu)
  dir = tempDir('tink-progress-')
})
after(async () => emu?.close())

/** A CSV of `rows` new users, the last `bad` of them invalid (no market). */
function csv(rows, bad = 0) {
  const file = join(dir, `users-${++n}.csv`)
  const lines = Array.from({length: rows}, (_, i) => `progress-${n}-${i},${i >= rows - bad ? '' : 'GB'},en_US`)
  writeFileSync(file, `external_user_id,market,locale\n${lines.join('\n')}\n`)
  return file
}

/** The frames of the progress line: each text drawn after an erase. */
const frames = (stderr) => stderr.split(ERASE).slice(1).map((f) => f.split('\n')[0]).filter((f) => f && !/ rows in [\d.]+ s/.test(f))

test('on a terminal: one line redrawn in place with created / exists / failed / invalid counts and rows/s', async () => {
  const r = await runTink(['user', 'create', '--file', csv(30, 2), '--concurrency', '1'], {env, stderrTTY: true, columns: 200})
  assert.equal(r.code, 6, r.stderr)
  const drawn = frames(r.stderr)
  assert.ok(drawn.length >= 2, `redrawn while running: ${JSON.stringify(r.stderr)}`)
  for (const f of drawn) assert.match(f, /^\[[#-]{20}\] \d+\/30 rows \(\d+ created, \d+ exists, \d+ failed, \d+ invalid\) {2}\d+ rows\/s {2}ETA /)
  assert.ok(drawn.some((f) => /\(([1-9]\d*) created/.test(f)), 'the created count grows while running')
  assert.doesNotMatch(r.stderr.slice(0, r.stderr.lastIndexOf(ERASE)), /\n/, 'redrawn in place: the progress never starts a new line')
  assert.match(r.stderr, /30 rows in .*: 28 created, 0 exists, 2 invalid, 0 failed/)
})

test('on a narrow terminal the line is cut to the width, never wrapped', async () => {
  const r = await runTink(['user', 'create', '--file', csv(20), '--concurrency', '1'], {env, stderrTTY: true, columns: 30})
  assert.equal(r.code, 0, r.stderr)
  const drawn = frames(r.stderr)
  assert.ok(drawn.length >= 1, JSON.stringify(r.stderr))
  for (const f of drawn) {
    assert.ok(f.length <= 29, `at most columns - 1 characters: ${JSON.stringify(f)}`)
    assert.doesNotMatch(f, /\n/)
  }
})

test('without a terminal: a plain line every TINK_PROGRESS_SECONDS on stderr, no escapes; stdout stays NDJSON', async () => {
  const r = await runTink(['user', 'create', '--file', csv(30), '--concurrency', '1'], {env: {...env, TINK_PROGRESS_SECONDS: '0.3'}})
  assert.equal(r.code, 0, r.stderr)
  assert.doesNotMatch(r.stderr, /\x1b/)
  const plain = r.stderr.split('\n').filter((l) => /^\d+\/30 rows \(/.test(l))
  assert.ok(plain.length >= 2, r.stderr)
  // The rows are counted up front, so a CI log shows the total and the time left too.
  for (const l of plain) assert.match(l, /^\d+\/30 rows \(\d+ created, \d+ exists, \d+ failed, \d+ invalid\) {2}\d+ rows\/s {2}ETA \S+ {2}window 1$/)
  for (const l of r.stdout.trim().split('\n')) assert.equal(JSON.parse(l).status, 'created')
})

test('a short run without a terminal prints the summary alone', async () => {
  const r = await runTink(['user', 'create', '--file', csv(3), '--concurrency', '3'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
})

test('stdout on the same terminal: the bar is taken away before result lines and drawn again after', async () => {
  const r = await runTink(['user', 'create', '--file', csv(30), '--concurrency', '1'], {env, stderrTTY: true, stdoutTTY: true, columns: 120})
  assert.equal(r.code, 0, r.stderr)
  // What the terminal shows of each line: the text after its last carriage return and erase.
  const visible = r.screen.split('\n').map((l) => l.split('\r').at(-1).replace('\x1b[2K', ''))
  const results = visible.filter((l) => l.includes('"status"'))
  assert.equal(results.length, 30)
  for (const l of results) assert.equal(JSON.parse(l).status, 'created', `a result line of its own: ${JSON.stringify(l)}`)
  assert.ok(frames(r.screen).length >= 2, 'the bar was drawn between results')
})

test('at 60 columns the bar gives way: the counts, the rate and the time left stay on the line', async () => {
  const r = await runTink(['user', 'create', '--file', csv(30, 2), '--concurrency', '1'], {env, stderrTTY: true, columns: 60})
  assert.equal(r.code, 6, r.stderr)
  const drawn = frames(r.stderr)
  assert.ok(drawn.length >= 2, JSON.stringify(r.stderr))
  for (const f of drawn) {
    assert.ok(f.length <= 59, `at most columns - 1 characters: ${JSON.stringify(f)}`)
    assert.match(f, /^\d+\/30 (rows )?\(\d+ created.*\) {2}\d+ (rows)?\/s {2}ETA \S+ {2}window 1$/, `counts, rate, ETA and window: ${JSON.stringify(f)}`)
  }
})

test('Ctrl-C takes the progress line away at once: nothing is drawn while the rows in flight settle', async () => {
  // Every answer takes 3 s: the token comes at 3 s, Ctrl-C at 3.6 s, the creates in flight answer at 6 s.
  emu.setFaults('latency=3000ms')
  try {
    const run = runTink(['user', 'create', '--file', csv(10), '--concurrency', '2'], {env, stderrTTY: true, columns: 120})
    await new Promise((r) => setTimeout(r, 3600))
    process.emit('SIGINT')
    const r = await run
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Interrupted: 2 rows in /)
    // About three frames before Ctrl-C at 200 ms each; the 2.4 s of grace after it would add twelve more.
    assert.ok(frames(r.stderr).length <= 6, `drawn during the grace period: ${JSON.stringify(r.stderr)}`)
    const tail = r.stderr.slice(r.stderr.lastIndexOf(ERASE) + ERASE.length)
    assert.doesNotMatch(tail, /^\[[#-]{20}\]/, 'the bar is left on the terminal')
  } finally {
    emu.setFaults('latency=40ms')
  }
})
