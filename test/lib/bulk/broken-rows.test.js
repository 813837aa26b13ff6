// Bulk files whose header is fine but whose rows are broken are row-level input: those rows are
// reported `invalid` with their line number (exit 6) and are never sent, against a scripted
// loopback server.
import assert from 'node:assert/strict'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import { describe, test} from 'node:test'
import {tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {CREATE_PATH, newClient, serverEnv, TOKEN_PATH} from '../../support/cli.js'
import { tokenResponse} from '../../support/tink-server.js'
import {fileWriter} from '../../support/bulk.js'
import {server} from '../../support/scripted-server.js'

const dir = tempDir('tink-input-')
const file = fileWriter(dir)
const FOLDER = join(dir, 'a-folder.csv')
mkdirSync(FOLDER)


describe('bulk rows that are broken: reported invalid with their line, never sent, exit 6', () => {
  async function bulkRun(path) {
    const srv = await server()
    newClient()
    srv.script(TOKEN_PATH, {json: tokenResponse({scope: 'user:create'})})
    srv.script(CREATE_PATH, (req) => ({json: {user_id: `id-${req.json.external_user_id}`, external_user_id: req.json.external_user_id}}))
    const r = await runTink(['user', 'create', '--file', path], {env: serverEnv(srv)})
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).sort((a, b) => a.row - b.row)
    return {r, rows, sent: srv.to(CREATE_PATH).map((q) => q.json.external_user_id).sort(), srv}
  }

  // RFC 4180: the quote on line 3 opens a field that never closes, so line 4 is part of it, not a
  // row of its own: reading stops at line 3, said on stderr, and ok-2 is never sent.
  test('CSV with broken quoting on one line', async () => {
    const {r, rows, sent} = await bulkRun(file('quoting.csv', 'external_user_id,market\nok-1,GB\n"broken,GB\nok-2,SE\n'))
    assert.equal(r.code, 6, r.stderr)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[2, 'created'], [3, 'invalid']])
    assert.match(rows[1].error.message, /line 3: broken CSV quoting: a quoted field is never closed/)
    assert.deepEqual(sent, ['ok-1'])
    assert.match(r.stderr, /Stopped: line 3 of the input: broken CSV quoting/)
    assert.match(r.stderr, /1 created, 0 exists, 1 invalid, 0 failed/)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  test('CSV with a row missing a column', async () => {
    const {r, rows, sent} = await bulkRun(file('short.csv', 'external_user_id,market,locale\nok-1,GB,en_US\nshort-1,GB\n'))
    assert.equal(r.code, 6, r.stderr)
    assert.deepEqual(rows.map((x) => x.status), ['created', 'invalid'])
    assert.match(rows[1].error.message, /line 3: has 2 fields, the header has 3/)
    assert.deepEqual(sent, ['ok-1'])
  })

  test('NDJSON with a bad line', async () => {
    const {r, rows, sent} = await bulkRun(file('bad.ndjson', '{"external_user_id":"ok-1","market":"GB"}\n{"external_user_id": oops\n{"external_user_id":"ok-2","market":"GB"}\n'))
    assert.equal(r.code, 6, r.stderr)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[1, 'created'], [2, 'invalid'], [3, 'created']])
    assert.match(rows[1].error.message, /line 2: not valid JSON/)
    assert.deepEqual(sent, ['ok-1', 'ok-2'])
  })

  // Blank lines before the header are skipped as they are read, not held: megabytes of them once
  // filled the reader's buffer before the header was found, and the run ended with nothing said.
  test('CSV whose header comes after megabytes of blank lines: read, lines numbered as an editor counts them', {timeout: 60_000}, async () => {
    const blank = 3 * 1024 * 1024
    const {r, rows, sent} = await bulkRun(file('late-header.csv', '\n'.repeat(blank) + 'external_user_id,market\nok-1,GB\nbad-1,XX\n'))
    assert.equal(r.code, 6, r.stderr)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[blank + 2, 'created'], [blank + 3, 'invalid']])
    assert.deepEqual(sent, ['ok-1'])
  })

  test('a file whose every row is broken sends no row at all (only the up-front credentials check)', async () => {
    const {r, rows, srv} = await bulkRun(file('allbad.ndjson', '{nope\n[1,2]\n{"external_user_id":"x","market":"XX"}\n'))
    assert.equal(r.code, 6, r.stderr)
    assert.deepEqual(rows.map((x) => x.status), ['invalid', 'invalid', 'invalid'])
    assert.deepEqual(srv.requests.map((q) => q.path), [TOKEN_PATH], 'one client-token request, no user data')
  })
})
