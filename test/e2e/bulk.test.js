// Bulk user create/delete (`tink user create --file`, `tink user delete --file`): the built CLI as a
// subprocess against the real emulator over loopback, with faults on. Proofs of issue 5.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {emulatorEnv, runCli, tempDir} from '../helpers.js'
import {CREATE, FAULTS, TOKEN, csv, fileWriter, lines, statuses, usersWithPrefix} from '../support/bulk.js'

const dir = tempDir('tink-bulk-')
const writeFile = fileWriter(dir)

describe('bulk create and delete against the emulator with faults', () => {
  let emu
  let env
  before(async () => {
    emu = await startEmulator({seed: 7, recordRequests: 200_000})
    env = emulatorEnv(emu)
  })
  after(() => emu.close())

  test('5,000 creates with 10% 503, 5% 429 (Retry-After) and 2% resets after commit: every user exactly once, all "created", exit 0, one client token', async () => {
    emu.setFaults(FAULTS)
    emu.requests.length = 0
    const file = writeFile('proof.csv', csv(5000, 'proof-'))
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '16', '--retries', '3'], {env, timeoutMs: 60_000})
    emu.setFaults('')
    assert.equal(r.code, 0, r.stderr)
    const rows = lines(r.stdout)
    assert.equal(rows.length, 5000)
    assert.deepEqual(statuses(rows), {created: 5000})
    assert.equal(new Set(rows.map((x) => x.external_user_id)).size, 5000)
    const users = usersWithPrefix(emu, 'proof-')
    assert.equal(users.length, 5000)
    // Every reported user_id is the one the emulator holds for that external id.
    const byExt = new Map(users.map((u) => [u.external_user_id, u.user_id]))
    for (const row of rows) assert.equal(row.user_id, byExt.get(row.external_user_id))
    // The faults really happened, and resets after commit were resolved as created, not doubled.
    assert.ok(emu.requests.some((q) => q.path === CREATE && q.status === 0), 'no reset after commit was injected')
    assert.ok(emu.requests.some((q) => q.path === CREATE && q.status === 429))
    assert.equal(emu.requests.filter((q) => q.path === TOKEN && q.status === 200).length, 1, 'one shared client token, not one per worker')
    assert.match(r.stderr, /5000 rows in .* s \(\d+ rows\/s\): 5000 created, 0 exists, 0 invalid, 0 failed/)
  })

  test('re-running the same file is safe: every row "exists", exit 0, nothing new', async () => {
    const file = join(dir, 'proof.csv')
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '16'], {env, timeoutMs: 60_000})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {exists: 5000})
    assert.equal(usersWithPrefix(emu, 'proof-').length, 5000)
    // --if-exists fail: the same users are failures (the first 500 of them show it).
    const head = writeFile('proof-head.csv', csv(500, 'proof-'))
    const strict = await runCli(['user', 'create', '--file', head, '--if-exists', 'fail', '--concurrency', '16'], {env, timeoutMs: 60_000})
    assert.equal(strict.code, 6)
    assert.deepEqual(statuses(lines(strict.stdout)), {failed: 500})
  })

  test('5,000 deletes with the same faults: every user gone, all "deleted", exit 0', async () => {
    emu.setFaults(FAULTS)
    const file = join(dir, 'proof.csv')
    const r = await runCli(['user', 'delete', '--file', file, '--yes', '--concurrency', '16'], {env, timeoutMs: 90_000})
    emu.setFaults('')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {deleted: 5000})
    assert.equal(usersWithPrefix(emu, 'proof-').length, 0)
  })

  test('a user deleted and created again within 24 h is really created again (no stale idempotent replay)', async () => {
    // 500 of the 5,000 users the test before deleted, under the same client, API and rows.
    const file = join(dir, 'proof-head.csv')
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '16'], {env, timeoutMs: 60_000})
    assert.equal(r.code, 0, r.stderr)
    const rows = lines(r.stdout)
    assert.deepEqual(statuses(rows), {created: 500})
    const users = usersWithPrefix(emu, 'proof-')
    assert.equal(users.length, 500)
    const live = new Set(users.map((u) => u.user_id))
    for (const row of rows) assert.ok(live.has(row.user_id), `reported user_id ${row.user_id} does not exist`)
  })

  test('the shared client token outlasts a burst of 503s longer than one request\'s retries: the run still completes', async () => {
    const file = writeFile('token-burst.csv', csv(200, 'tburst-'))
    emu.requests.length = 0
    emu.setFaults('token:503=1,retry-after=0')
    // Six refused token requests (one request gives up after four attempts), then Tink recovers.
    const poll = setInterval(() => {
      if (emu.requests.filter((q) => q.path === TOKEN && q.status === 503).length >= 6) emu.setFaults('')
    }, 1)
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '8'], {env, timeoutMs: 60_000})
    clearInterval(poll)
    emu.setFaults('')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {created: 200})
    assert.ok(emu.requests.filter((q) => q.path === TOKEN && q.status === 503).length >= 6)
  })

  test('a 429 with Retry-After: 1 pauses every worker, not just the one that got it, then the run speeds back up', async () => {
    const file = writeFile('pause.csv', csv(3000, 'pause-'))
    // No faults left over from a test above that failed half way (an early 429 would take the brake).
    emu.setFaults('')
    emu.requests.length = 0
    let phase = 'before'
    // Turn on 429s once the run is going, and off again as soon as the first one has gone out.
    const poll = setInterval(() => {
      if (phase === 'before' && emu.requests.length > 300) {
        emu.setFaults('create:429=1,retry-after=1')
        phase = 'on'
      } else if (phase === 'on' && emu.requests.some((q) => q.status === 429)) {
        emu.setFaults('')
        phase = 'off'
      }
    }, 1)
    const started = Date.now()
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '8'], {env, timeoutMs: 60_000})
    clearInterval(poll)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {created: 3000})
    const limited = emu.requests.filter((q) => q.path === CREATE && q.status === 429)
    assert.ok(limited.length > 0, 'no request was rate limited')
    const t429 = limited[0].at
    const during = emu.requests.filter((q) => q.path === CREATE && q.at > t429 + 100 && q.at < t429 + 850)
    assert.equal(during.length, 0, `${during.length} creates were sent while the server had asked for a pause; stderr: ${r.stderr}`)
    assert.match(r.stderr, /Rate limited by the server once;/)
    assert.ok(Date.now() - started < 15_000)
  })
})
