// Issue 24 item 3: --dry-run for user create/delete --file reads and checks every row as a real
// run would, prints what would be done, skips what the journal lists as done, and sends nothing
// but the one token request that checks the credentials (the server counts what it saw).
import {test, before, after, beforeEach} from 'node:test'
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {fileWriter, lines} from '../../support/bulk.js'

const dir = tempDir('tink-bulk-dry-')
const file = fileWriter(dir)
let server
let env
/** Every request the server saw: "METHOD path". */
let seen = []
beforeEach(() => (seen = []))
before(async () => {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`)
      if (req.url === '/api/v1/oauth/token') {
        res.writeHead(200, {'content-type': 'application/json'})
        return res.end(JSON.stringify({access_token: 'tok', token_type: 'bearer', expires_in: 1800, scope: 'user:create'}))
      }
      res.writeHead(500, {'content-type': 'application/json'})
      res.end('{"errorMessage":"a dry run sent this","errorCode":"dry_run_sent"}')
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  env = {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}
})
after(() => server.close())

const CSV = 'external_user_id,market\ndry-1,GB\ndry-2,XX\ndry-1,GB\ndry-3,SE\n'

test('user create --file --dry-run: would_create per row, the invalid rows and codes a real run gives (DUPLICATE_ROW too), exit 6; only the token request is sent', async () => {
  const r = await runTink(['user', 'create', '--file', file('dry.csv', CSV), '--dry-run'], {env})
  assert.equal(r.code, 6, r.stderr)
  const rows = lines(r.stdout).sort((a, b) => a.row - b.row)
  assert.deepEqual(rows.map((x) => [x.row, x.status, x.error?.code]), [
    [2, 'would_create', undefined],
    [3, 'invalid', 'invalid_row'],
    [4, 'invalid', 'duplicate_row'],
    [5, 'would_create', undefined],
  ])
  assert.deepEqual(seen, ['POST /api/v1/oauth/token'])
  assert.match(r.stderr, /^4 rows in [\d.]+ s.*: 2 would create, 2 invalid$/m)
  assert.match(r.stderr, /^Dry run: nothing was sent but one token request/m)
})

test('all rows valid: exit 0, as a real run would', async () => {
  const r = await runTink(['user', 'create', '--file', file('dry-ok.csv', 'external_user_id,market\nok-1,GB\nok-2,GB\n'), '--dry-run'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(seen, ['POST /api/v1/oauth/token'])
})

test('with --journal: rows it lists as done are skipped and said so; the journal is not written, nor created', async () => {
  const journal = join(dir, 'dry.journal')
  const header = {tink_bulk_journal: 1, op: 'create', nonce: 'n', client_id: 'c', base_url: env.TINK_API_URL, started_at: new Date().toISOString()}
  const text = `${JSON.stringify(header)}\n${JSON.stringify({row: 2, external_user_id: 'dry-1', user_id: 'u1', status: 'created'})}\n`
  writeFileSync(journal, text)
  const r = await runTink(['user', 'create', '--file', file('dry-j.csv', 'external_user_id,market\ndry-1,GB\ndry-3,SE\n'), '--dry-run', '--journal', journal], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(lines(r.stdout).map((x) => [x.external_user_id, x.status, x.from_journal]).sort(), [['dry-1', 'created', true], ['dry-3', 'would_create', undefined]])
  assert.match(r.stderr, /1 row was already done in journal/)
  assert.equal(readFileSync(journal, 'utf8'), text)
  const fresh = join(dir, 'never.journal')
  const n = await runTink(['user', 'create', '--file', file('dry-n.csv', 'external_user_id,market\nx-1,GB\n'), '--dry-run', '--journal', fresh], {env})
  assert.equal(n.code, 0, n.stderr)
  assert.equal(existsSync(fresh), false)
  assert.deepEqual(seen, ['POST /api/v1/oauth/token', 'POST /api/v1/oauth/token'])
})

test('user delete --file --dry-run needs no confirmation (not a terminal, no --yes) and sends only the token request', async () => {
  const r = await runTink(['user', 'delete', '--file', file('dry-del.csv', 'user_id\nu-1\nu-2\nu-1\n'), '--dry-run'], {env})
  assert.equal(r.code, 6, r.stderr)
  assert.deepEqual(lines(r.stdout).map((x) => x.status).sort(), ['invalid', 'would_delete', 'would_delete'])
  assert.deepEqual(seen, ['POST /api/v1/oauth/token'])
})

test('--dry-run without --file is a usage error', async () => {
  const r = await runTink(['user', 'create', '--external-user-id', 'a', '--market', 'GB', '--dry-run'], {env})
  assert.equal(r.code, 2, r.stderr)
  assert.match(r.stderr, /--dry-run needs --file/)
  assert.deepEqual(seen, [])
})
