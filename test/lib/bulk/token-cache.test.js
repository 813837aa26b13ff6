// `user delete --file` drops every cached token of each user it deletes, as the single `user
// delete` and `token revoke` do (a deleted user's token must never be handed out again); the
// users it does not delete keep theirs. The real OS keychain (scripts/test.sh) and the emulator.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {after, before, test} from 'node:test'
import {ALL_SCOPES, startEmulator} from 'tink-emulator'
import {tempDir} from '../../helpers.js'
import {fileWriter} from '../../support/bulk.js'
import {runTink} from '../../support/in-process.js'
import {needsKeychain} from '../../support/keychain.js'

const RUN = randomBytes(3).toString('hex')
const client = {id: `bulkcache-${RUN}`, secret: `secret-${RUN}`, scopes: [...ALL_SCOPES]}
const dir = tempDir('tink-bulk-cache-')
const env = {TINK_CONFIG_DIR: dir}
const name = `bulkcache-${RUN}`
let emu

before(async () => {
  emu = await startEmulator({clients: [client]})
})
after(async () => {
  await runTink(['profile', 'remove', name, '--yes'], {env})
  await emu?.close()
})

test('user delete --file drops every cached token of each deleted user (ids holding |); other users keep theirs', async (t) => {
  if (!needsKeychain(t)) return
  const add = await runTink(['profile', 'add', name, '--base-url', emu.url, '--client-id', client.id, '--client-secret-stdin', '--no-verify'], {env, input: client.secret})
  assert.equal(add.code, 0, add.stderr)
  const cachedUsers = async () => {
    const r = await runTink(['profile', 'status', name, '--offline', '--json'], {env})
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    return (Array.isArray(doc) ? doc[0] : doc).cachedTokens.map((c) => c.user).filter(Boolean)
  }
  const doomed = [`acme|42-${RUN}`, `plain-${RUN}`, `p|user_id:q-${RUN}`]
  const kept = [`acme-${RUN}`, `42-${RUN}`]
  for (const ext of [...doomed, ...kept]) {
    assert.equal((await runTink(['user', 'create', '--external-user-id', ext, '--market', 'GB'], {env})).code, 0)
    for (const scope of ['user:read', 'accounts:read']) {
      const g = await runTink(['token', 'get', '--external-user-id', ext, '--scope', scope, '--raw'], {env})
      assert.equal(g.code, 0, `${ext}: ${g.stderr}`)
    }
  }
  const before = await cachedUsers()
  for (const ext of doomed) assert.equal(before.filter((u) => u === `external_user_id:${ext}`).length, 2, `${ext} has its tokens cached: ${before}`)

  const file = fileWriter(dir)('delete.ndjson', doomed.map((ext) => JSON.stringify({external_user_id: ext})).join('\n') + '\n')
  const r = await runTink(['user', 'delete', '--file', file, '--yes'], {env})
  assert.equal(r.code, 0, r.stderr)

  const left = await cachedUsers()
  for (const ext of doomed) assert.ok(!left.includes(`external_user_id:${ext}`), `no cached token of deleted ${ext} left: ${left}`)
  for (const ext of kept) assert.equal(left.filter((u) => u === `external_user_id:${ext}`).length, 2, `${ext} keeps its cached tokens: ${left}`)
})
