// Issue 26 item 1: bulk NDJSON output takes --jq per line. In process (runTink) against the
// emulator, compared with Debian's jq (/usr/bin/jq -r -c on the same NDJSON: strings raw, other
// values compact JSON, one result a line); stdout closed and a full disk with the built CLI.
import {after, before, describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {BIN, ROOT, cleanEnv, emulatorEnv, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'

const JQ = '/usr/bin/jq'
const hasJq = spawnSync(JQ, ['--version']).status === 0
const jqSkip = hasJq || process.env.CI ? false : `${JQ} is absent (apt-get install jq)`

const dir = tempDir('tink-bulk-jq-')
const file = (name, content) => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
/** One row at a time: the NDJSON lines come in the file's order, run after run. */
const ORDERED = ['--concurrency', '1', '--adaptive', 'off']

// The fields people pick from bulk results, and the operators of the single-answer comparison.
const CASES = [
  ['a field', '.status'],
  ['two results per line', '.row, .status'],
  ['select', 'select(.status == "invalid") | .error.message'],
  ['an object, compact', '{row, status, done_before: (.from_journal // false)}'],
  ['@tsv', '[.row, .external_user_id, .status] | @tsv'],
  ['@csv', '[.row, .external_user_id, (.user_id // .error.code)] | @csv'],
  ['string interpolation', '"\\(.external_user_id): \\(.status)"'],
  ['keys', 'keys'],
  ['nothing for some lines', 'select(.from_journal) | .user_id | length'],
]

describe('bulk --jq, one result line at a time, compared with Debian jq', {skip: jqSkip}, () => {
  let emu
  let env
  let csv
  let journal
  let plain
  before(async () => {
    emu = await startEmulator({seed: 5})
    env = emulatorEnv(emu)
    // Done earlier (from the journal, with user ids), still to do, invalid, a duplicate, and text
    // that @csv and @tsv must quote or escape.
    csv = file('users.csv', 'external_user_id,market\ndone-1,GB\ndone-2,SE\nnew-1,GB\nbad-1,XX\n"comma, ""quote""",GB\nnew-1,GB\ntab\there,GB\n')
    journal = join(dir, 'users.journal')
    const first = await runTink(['user', 'create', '--file', file('done.csv', 'external_user_id,market\ndone-1,GB\ndone-2,SE\n'), '--journal', journal], {env})
    assert.equal(first.code, 0, first.stderr)
    // A dry run answers the same, line for line, every time: the base each expression is compared on.
    plain = await runTink(['user', 'create', '--file', csv, '--journal', journal, '--dry-run', ...ORDERED], {env})
    assert.equal(plain.code, 6, plain.stderr)
    assert.equal(plain.stdout.trim().split('\n').length, 7)
  })
  after(() => emu.close())

  for (const [name, expr] of CASES) {
    test(`${name}: ${expr}`, async () => {
      const r = await runTink(['user', 'create', '--file', csv, '--journal', journal, '--dry-run', ...ORDERED, '--jq', expr], {env})
      assert.equal(r.code, 6, r.stderr)
      const debian = spawnSync(JQ, ['-r', '-c', expr], {input: plain.stdout, encoding: 'utf8'})
      assert.equal(debian.status, 0, debian.stderr)
      assert.equal(r.stdout, debian.stdout)
      assert.match(r.stderr, /7 rows in .*2 would create, 3 invalid, 2 done earlier/, 'the summary stays on stderr')
    })
  }

  test('a real create and delete: one filtered line per row, the run\'s exit code, the journal unfiltered', async () => {
    const people = file('people.csv', 'external_user_id,market\njq-a,GB\njq-b,SE\njq-a,GB\n')
    const created = join(dir, 'people.journal')
    const c = await runTink(['user', 'create', '--file', people, '--journal', created, ...ORDERED, '--jq', '"\\(.row) \\(.status) \\(.user_id | length)"'], {env})
    assert.equal(c.code, 6, c.stderr)
    assert.equal(c.stdout, '2 created 32\n3 created 32\n4 invalid 0\n')
    const lines = readFileSync(created, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l))
    assert.deepEqual(lines.map((l) => [l.row, l.status, l.user_id.length]), [[2, 'created', 32], [3, 'created', 32]], 'whole results in the journal')
    const d = await runTink(['user', 'delete', '--file', file('gone.csv', 'external_user_id\njq-a\njq-b\njq-none\n'), '--yes', ...ORDERED, '--jq', '[.external_user_id, .status] | @tsv'], {env})
    assert.equal(d.code, 0, d.stderr)
    assert.equal(d.stdout, 'jq-a\tdeleted\njq-b\tdeleted\njq-none\tnot_found\n')
    assert.match(d.stderr, /3 rows in .*2 deleted, 1 not found/)
  })

  test('jq failing on a line: that result whole on stderr naming the line, the other lines go on, exit 2 for a run otherwise done', async () => {
    const f = file('fail.csv', 'external_user_id,market\nerr-1,GB\nerr-2,GB\nerr-3,GB\n')
    const j = join(dir, 'fail.journal')
    const r = await runTink(['user', 'create', '--file', f, '--journal', j, ...ORDERED, '--jq', 'if .row == 3 then .status | .[0] else .external_user_id end'], {env})
    assert.equal(r.code, 2, r.stderr)
    assert.equal(r.stdout, 'err-1\nerr-3\n')
    assert.match(r.stderr, /^--jq failed on the result of line 3: Cannot index string with number.*; the result: \{"row":3,"external_user_id":"err-2","user_id":"[0-9a-f]{32}","status":"created"\}$/m)
    assert.match(r.stderr, /3 rows in .*3 created/)
    assert.match(r.stderr, /--jq failed on 1 result \(each on stderr above/)
    assert.equal(readFileSync(j, 'utf8').trim().split('\n').length, 4, 'every row journaled')
    assert.ok(emu.users().some((u) => u.external_user_id === 'err-2'), 'the row itself was done')
  })
})

describe('bulk --jq on the built CLI: a closed stdout and a full disk as without --jq', () => {
  let emu
  before(async () => (emu = await startEmulator()))
  after(() => emu.close())
  const spawnTink = (command, stdoutTo) =>
    new Promise((resolve) => {
      const child = spawn('sh', ['-c', command], {cwd: ROOT, env: cleanEnv(emulatorEnv(emu)), stdio: ['ignore', stdoutTo, 'pipe']})
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
      if (stdoutTo === 'pipe') child.stdout.once('data', () => child.stdout.destroy())
      child.on('close', (code) => resolve({code, stderr}))
    })

  test('stdout closed (| head -1): exit 130, the rows not processed are counted', async () => {
    const rows = ['external_user_id,market']
    for (let i = 0; i < 3000; i++) rows.push(`jq-head-${i},GB`)
    const f = file('head.csv', rows.join('\n') + '\n')
    const r = await spawnTink(`exec "${process.execPath}" "${BIN}" user create --file "${f}" --jq .user_id`, 'pipe')
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Stopped: standard output was closed/)
    assert.match(r.stderr, /\d+ rows of the input were not processed/)
    assert.ok(emu.users().filter((u) => u.external_user_id.startsWith('jq-head-')).length < 3000)
  })

  test('stdout on a full disk (/dev/full): one line naming it, exit 7', {skip: !existsSync('/dev/full') && 'no /dev/full'}, async () => {
    const f = file('full.csv', 'external_user_id,market\njq-full-1,GB\njq-full-2,GB\n')
    const r = await spawnTink(`exec "${process.execPath}" "${BIN}" user create --file "${f}" --jq .status > /dev/full`, 'ignore')
    assert.equal(r.code, 7, r.stderr)
    assert.match(r.stderr, /Cannot write the results to standard output \(\/dev\/full\): ENOSPC/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })
})
