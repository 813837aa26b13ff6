// Bulk input and its problems (`tink user create|delete --file`): bad rows and files, duplicates,
// rate limits, in process (runTink) against the emulator; stdin streaming, Ctrl-C, peak memory
// and a fault switched while the run goes on with the built CLI as a subprocess.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {BIN, ROOT, cleanEnv, emulatorEnv, runCli, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {CREATE, csv, fileWriter, lines, statuses, usersWithPrefix} from '../../support/bulk.js'

const dir = tempDir('tink-bulk-input-')
const writeFile = fileWriter(dir)

describe('bulk input problems', () => {
  let emu
  let env
  before(async () => {
    emu = await startEmulator({seed: 1})
    env = emulatorEnv(emu)
  })
  after(() => emu.close())

  test('invalid rows are reported with their line number, never sent; the rest go on; exit 6', async () => {
    const file = writeFile('mixed.csv', [
      'external_user_id,market,locale,retention_class',
      'ok-1,GB,en_US,',
      ',GB,en_US,',
      'ok-2,gb,en_US,',
      'ok-4,SE,sv_SE,FOREVER',
      'ok-5,GB',
      '"ok, 6",SE,sv_SE,TEMPORARY',
      // RFC 4180: an unclosed quote makes every later line part of one field: reading stops here.
      '"ok-3,GB,en_US,',
      'after-1,GB,en_US,',
      '',
    ].join('\n'))
    emu.requests.length = 0
    const r = await runTink(['user', 'create', '--file', file], {env})
    assert.equal(r.code, 6, r.stderr)
    const rows = lines(r.stdout).sort((a, b) => a.row - b.row)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[2, 'created'], [3, 'invalid'], [4, 'invalid'], [5, 'invalid'], [6, 'invalid'], [7, 'created'], [8, 'invalid']])
    assert.match(rows[1].error.message, /line 3: external_user_id is missing/)
    assert.match(rows[2].error.message, /Did you mean GB/)
    assert.match(rows[3].error.message, /PERMANENT or TEMPORARY/)
    assert.match(rows[4].error.message, /2 fields/)
    assert.equal(rows[5].external_user_id, 'ok, 6')
    assert.match(rows[6].error.message, /line 8: broken CSV quoting: a quoted field is never closed/)
    assert.match(r.stderr, /Stopped: line 8 of the input: broken CSV quoting/)
    const sent = emu.requests.filter((q) => q.path === CREATE).map((q) => q.json?.external_user_id)
    assert.deepEqual(sent.sort(), ['ok, 6', 'ok-1'])
    assert.equal(emu.users().find((u) => u.external_user_id === 'ok, 6').retention_class, 'TEMPORARY')
    assert.match(r.stderr, /2 created, 0 exists, 5 invalid, 0 failed/)
  })

  test('NDJSON from stdin, flags fill in missing fields, --json keeps stdout pure NDJSON', async () => {
    const input = ['{"external_user_id":"nd-1"}', '{"external_user_id":"nd-2","market":"SE","locale":"sv_SE"}', 'not json', '[1]', ''].join('\n')
    const r = await runTink(['user', 'create', '--file', '-', '--market', 'DE', '--locale', 'de_DE', '--json'], {env, input})
    assert.equal(r.code, 6, r.stderr)
    const rows = lines(r.stdout)
    assert.equal(rows.length, 4)
    assert.deepEqual(statuses(rows), {created: 2, invalid: 2})
    assert.equal(emu.users().find((u) => u.external_user_id === 'nd-1').market, 'DE')
    assert.equal(emu.users().find((u) => u.external_user_id === 'nd-2').locale, 'sv_SE')
    assert.doesNotMatch(r.stdout, /rows in/)
  })

  test('a file that cannot be used is exit 2 with one line, and nothing is sent', async () => {
    emu.requests.length = 0
    const missing = await runTink(['user', 'create', '--file', join(dir, 'nope.csv'), '--market', 'GB'], {env})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /Cannot read --file .*nope\.csv: no such file/)
    const noMarket = await runTink(['user', 'create', '--file', writeFile('nomarket.csv', 'external_user_id\na\n')], {env})
    assert.equal(noMarket.code, 2)
    assert.match(noMarket.stderr, /no market column and no --market/)
    const noId = await runTink(['user', 'delete', '--file', writeFile('noid.csv', 'market\nGB\n'), '--yes'], {env})
    assert.equal(noId.code, 2)
    assert.match(noId.stderr, /neither a user_id nor an external_user_id column/)
    const empty = await runTink(['user', 'create', '--file', writeFile('empty.csv', '\n\n'), '--market', 'GB'], {env})
    assert.equal(empty.code, 2)
    const noYes = await runTink(['user', 'delete', '--file', join(dir, 'mixed.csv')], {env})
    assert.equal(noYes.code, 2)
    assert.match(noYes.stderr, /without confirmation.*--yes/)
    const badRate = await runTink(['user', 'create', '--file', join(dir, 'mixed.csv'), '--rate', 'fast'], {env})
    assert.equal(badRate.code, 2)
    const both = await runTink(['user', 'create', '--file', join(dir, 'mixed.csv'), '--external-user-id', 'x'], {env})
    assert.equal(both.code, 2)
    for (const r of [missing, noMarket, noId, empty, noYes, badRate, both]) {
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
      assert.equal(r.stdout, '')
    }
    assert.equal(emu.requests.length, 0)
  })

  test('wrong client secret: exit 3 before any row is sent', async () => {
    const file = writeFile('auth.csv', csv(20, 'auth-'))
    const r = await runTink(['user', 'create', '--file', file], {env: {...env, TINK_CLIENT_SECRET: 'wrong'}})
    assert.equal(r.code, 3, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(usersWithPrefix(emu, 'auth-').length, 0)
    // The secret is literally "wrong": the server's sentence keeps its words.
    assert.match(r.stderr, /Unknown client or wrong client secret/)
  })

  test('the same user twice in one file: later lines are invalid "duplicate of line N", never sent (create and delete)', async () => {
    const file = writeFile('dups.csv', ['external_user_id,market', 'dup-1,GB', 'dup-2,GB', 'dup-1,GB', 'dup-1,SE', ''].join('\n'))
    emu.requests.length = 0
    const created = await runTink(['user', 'create', '--file', file, '--concurrency', '4'], {env})
    assert.equal(created.code, 6, created.stderr)
    const rows = lines(created.stdout).sort((a, b) => a.row - b.row)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[2, 'created'], [3, 'created'], [4, 'invalid'], [5, 'invalid']])
    assert.equal(rows[2].error.message, 'line 4: duplicate of line 2 (the same user); not sent')
    assert.equal(rows[3].error.message, 'line 5: duplicate of line 2 (the same user); not sent')
    assert.equal(rows[2].error.code, 'duplicate_row')
    assert.equal(emu.requests.filter((q) => q.path === CREATE).length, 2)
    assert.match(created.stderr, /4 rows in .*: 2 created, 0 exists, 2 invalid, 0 failed/)

    const uid = usersWithPrefix(emu, 'dup-1')[0].user_id
    const del = writeFile('dups.ndjson', [{external_user_id: 'dup-1'}, {user_id: uid}, {external_user_id: 'dup-1'}, {user_id: uid}, {external_user_id: 'dup-2'}].map((x) => JSON.stringify(x)).join('\n') + '\n')
    const journal = join(dir, 'dups.journal')
    const deleted = await runTink(['user', 'delete', '--file', del, '--yes', '--concurrency', '1', '--journal', journal], {env})
    assert.equal(deleted.code, 6, deleted.stderr)
    const drows = lines(deleted.stdout).sort((a, b) => a.row - b.row)
    // user_id and external_user_id are two names: only the same name twice is known to be a repeat.
    assert.deepEqual(drows.map((x) => [x.row, x.status, x.error?.message]), [
      [1, 'deleted', undefined],
      [2, 'not_found', undefined],
      [3, 'invalid', 'line 3: duplicate of line 1 (the same user); not sent'],
      [4, 'invalid', 'line 4: duplicate of line 2 (the same user); not sent'],
      [5, 'deleted', undefined],
    ])
    assert.match(deleted.stderr, /2 deleted, 1 not found, 2 invalid, 0 failed/)
    // Resumed: the first lines stay done (the repeats did not undo them), the repeats are found again.
    const again = await runTink(['user', 'delete', '--file', del, '--yes', '--journal', journal], {env})
    const arows = lines(again.stdout).sort((a, b) => a.row - b.row)
    assert.deepEqual(arows.map((x) => [x.row, x.status, Boolean(x.from_journal)]), [
      [1, 'deleted', true],
      [2, 'not_found', true],
      [3, 'invalid', false],
      [4, 'invalid', false],
      [5, 'deleted', true],
    ])
  })

  test('summary wording: "1 row", "has 1 field", and no rate when nothing was sent', async () => {
    const file = writeFile('one.csv', 'external_user_id,market,locale\nword-1,GB,en_US\nword-2\n')
    const journal = join(dir, 'one.journal')
    const first = await runTink(['user', 'create', '--file', file, '--journal', journal], {env})
    assert.equal(first.code, 6, first.stderr)
    assert.equal(lines(first.stdout).find((x) => x.row === 3).error.message, 'line 3: has 1 field, the header has 3')
    const single = await runTink(['user', 'create', '--file', writeFile('single.csv', 'external_user_id,market\nword-3,GB\n')], {env})
    assert.match(single.stderr, /^1 row in \d+\.\d s \(\d+ rows\/s\): 1 created/m)
    const resumed = await runTink(['user', 'create', '--file', writeFile('one-ok.csv', 'external_user_id,market,locale\nword-1,GB,en_US\n'), '--journal', journal], {env})
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.match(resumed.stderr, /^1 row in \d+\.\d s: 0 created, 0 exists, 0 invalid, 0 failed, 1 done earlier$/m)
    assert.doesNotMatch(resumed.stderr, /rows\/s/)
    assert.match(resumed.stderr, /^1 row was already done in journal /m)
  })

  test('a long rate-limit pause is announced once on stderr, even when it is not a terminal', async () => {
    const file = writeFile('slow.csv', csv(12, 'slow-'))
    emu.requests.length = 0
    let phase = 'before'
    const poll = setInterval(() => {
      if (phase === 'before' && emu.requests.some((q) => q.path === CREATE)) {
        emu.setFaults('create:429=1,retry-after=3')
        phase = 'on'
      } else if (phase === 'on' && emu.requests.some((q) => q.status === 429)) {
        emu.setFaults('')
        phase = 'off'
      }
    }, 1)
    // A subprocess: the poll above switches the fault from this process's event loop, which an
    // in-process run would keep busy until every row had been sent.
    const r = await runCli(['user', 'create', '--file', file, '--concurrency', '4'], {env, timeoutMs: 30_000})
    clearInterval(poll)
    emu.setFaults('')
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {created: 12})
    assert.ok(emu.requests.some((q) => q.status === 429), 'the server did rate limit')
    const notices = r.stderr.split('\n').filter((l) => /^Rate limited by Tink/.test(l))
    assert.deepEqual(notices, ['Rate limited by Tink (HTTP 429): all workers pause for 3 s (Retry-After)'])
  })

  test('delete reports users that do not exist as not_found (a success)', async () => {
    const file = writeFile('ghosts.ndjson', '{"external_user_id":"ghost-1"}\n{"user_id":"0123456789abcdef0123456789abcdef"}\n')
    const r = await runTink(['user', 'delete', '--file', file, '--yes'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(statuses(lines(r.stdout)), {not_found: 2})
  })

  test('--rate caps requests per second', async () => {
    const file = writeFile('rate.csv', csv(30, 'rate-'))
    const started = Date.now()
    const r = await runTink(['user', 'create', '--file', file, '--rate', '20', '--concurrency', '8'], {env})
    assert.equal(r.code, 0, r.stderr)
    // 30 creates (and a token request) at 20/s take at least ~1.4 s.
    assert.ok(Date.now() - started >= 1400, `took ${Date.now() - started} ms`)
  })

  test('streaming: rows are processed while stdin is still open', async () => {
    const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', '-', '--format', 'csv', '--market', 'GB'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    const got3 = new Promise((resolve) => {
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d
        if (out.split('\n').filter(Boolean).length >= 3) resolve()
      })
    })
    child.stdin.write('external_user_id\nstream-1\nstream-2\nstream-3\n')
    await got3
    assert.equal(lines(out).length, 3, 'output came before the input ended')
    child.stdin.end('stream-4\n')
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 0)
    assert.equal(lines(out).length, 4)
  })

  test('streaming: a quoted field spanning lines is one row, sent when its closing line arrives, numbered by its first line', async () => {
    const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', '-', '--format', 'csv', '--market', 'GB'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    let waiting
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d
      if (waiting && lines(out).length >= waiting.n) waiting.resolve()
    })
    const outputLines = (n) => new Promise((resolve) => (lines(out).length >= n ? resolve() : (waiting = {n, resolve})))
    child.stdin.write('external_user_id,note\nml-1,plain\nml-2,"a note\n')
    await outputLines(1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.deepEqual(lines(out).map((x) => x.external_user_id), ['ml-1'], 'a row whose quoted field is still open was taken')
    child.stdin.write('ml-9,on two lines"\nml-3,plain\n')
    await outputLines(3)
    assert.deepEqual(lines(out).map((x) => [x.row, x.external_user_id, x.status]).sort(), [[2, 'ml-1', 'created'], [3, 'ml-2', 'created'], [5, 'ml-3', 'created']])
    assert.equal(emu.users().some((u) => u.external_user_id === 'ml-9'), false, 'the line inside the quoted field was taken for a row')
    child.stdin.end()
    assert.equal(await new Promise((resolve) => child.on('close', resolve)), 0)
  })

  test('Ctrl-C while stdin stays open: the run stops at once with its summary, exit 130', async () => {
    const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', '-', '--format', 'csv', '--market', 'GB'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
    const got1 = new Promise((resolve) => child.stdout.setEncoding('utf8').on('data', (d) => (out += d) && resolve()))
    const closed = new Promise((resolve) => child.on('close', resolve))
    child.stdin.write('external_user_id\nopen-1\n')
    await got1
    const started = Date.now()
    child.kill('SIGINT')
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000)
    const code = await closed
    clearTimeout(timer)
    assert.equal(code, 130, err)
    assert.ok(Date.now() - started < 3000, `stopped after ${Date.now() - started} ms`)
    assert.deepEqual(statuses(lines(out)), {created: 1})
    assert.match(err, /^Interrupted: 1 row in /m)
  })

  test('memory: peak RSS for 100,000 rows stays within 1.5x of 1,000 rows (streaming)', {skip: !existsSync('/usr/bin/time') && 'needs /usr/bin/time'}, async () => {
    // Every row is invalid (bad market), so nothing is sent and the run stays quick; the reader,
    // validator, journal and NDJSON writer still handle each row.
    // Async on purpose: the emulator answering the token request lives in this process.
    const peak = (n) =>
      new Promise((resolve, reject) => {
        const file = writeFile(`mem-${n}.csv`, csv(n, 'mem-', {row: (i) => `mem-${i},XX,en_US`}))
        const args = ['-f', '%M', process.execPath, BIN, 'user', 'create', '--file', file, '--journal', join(dir, `mem-${n}.journal`)]
        const child = spawn('/usr/bin/time', args, {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
        let count = 0
        let stderr = ''
        child.stdout.on('data', (d) => {
          for (const b of d) if (b === 10) count++
        })
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
        child.on('error', reject)
        child.on('close', (code) => resolve({code, kb: Number(stderr.trim().split('\n').pop()), lines: count, stderr}))
      })
    const small = await peak(1000)
    const large = await peak(100_000)
    assert.equal(large.lines, 100_000, large.stderr)
    assert.ok(large.kb <= small.kb * 1.5, `100,000 rows: ${large.kb} KiB, 1,000 rows: ${small.kb} KiB`)
  })
})

describe('duplicate detection keeps a few bytes per user', () => {
  test('the first line of every user is remembered through table growth; 200,000 distinct ids are never taken for one another', async () => {
    const {SeenUsers} = await import('../../../dist/lib/bulk/seen.js')
    const seen = new SeenUsers()
    const n = 200_000
    for (let i = 0; i < n; i++) assert.equal(seen.firstLine(`e:user-${i}`, i + 2), undefined, `user-${i} is new`)
    assert.equal(seen.size, n)
    for (const i of [0, 1, 1023, 1024, 65_535, n - 1]) assert.equal(seen.firstLine(`e:user-${i}`, n + 10), i + 2, `user-${i} was first on line ${i + 2}`)
    // Near-identical keys: the prefix tells a user id from an external id.
    assert.equal(seen.firstLine('u:user-5', 3), undefined)
    assert.equal(seen.size, n + 1)
  })
})
