// The README's quick-start demo (`npm run demo` = build + node scripts/demo.js), run as a user
// runs it: it must succeed and show each step's command line and what that command printed.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {ROOT, runNode} from './helpers.js'

function runDemo() {
  // cleanEnv (inside runNode): no TINK_* from the developer's shell, a private config folder, NO_COLOR.
  return runNode(join(ROOT, 'scripts', 'demo.js'), [], {timeoutMs: 60_000, label: 'the demo'})
}

/** The output between the command line `$ tink <start>...` and the next step. */
function stepOutput(stdout, start) {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => l.startsWith(`$ tink ${start}`))
  assert.notEqual(at, -1, `the demo shows the command line "$ tink ${start} ...":\n${stdout}`)
  const rest = lines.slice(at + 1)
  const end = rest.findIndex((l) => /^\d+\. |^Done\./.test(l))
  return {line: lines[at], output: rest.slice(0, end === -1 ? undefined : end).join('\n').trim()}
}

test('npm run demo: five steps against the embedded emulator, each command line with its output, exit 0', async () => {
  const r = await runDemo()
  const all = `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`
  assert.equal(r.code, 0, all)
  assert.equal(r.stderr, '', all)
  assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour codes when NO_COLOR is set')
  const emulatorUrl = /export TINK_API_URL=(http:\/\/127\.0\.0\.1:\d+) TINK_LINK_URL=\1\b/.exec(r.stdout)?.[1]
  assert.ok(emulatorUrl, `the export line points the API and Tink Link at the emulator:\n${r.stdout}`)

  for (const n of [1, 2, 3, 4, 5, 6, 7]) assert.match(r.stdout, new RegExp(`^${n}\\. \\S`, 'm'), `step ${n} is announced:\n${r.stdout}`)

  const token = stepOutput(r.stdout, 'token get')
  assert.equal(token.line, '$ tink token get --scope user:create --raw')
  assert.match(token.output, /^[A-Za-z0-9_-]{20,}$/, `the access token alone:\n${all}`)

  const create = stepOutput(r.stdout, 'user create')
  const ext = /--external-user-id (\S+)/.exec(create.line)?.[1]
  assert.ok(ext, create.line)
  const user = JSON.parse(create.output)
  assert.match(user.user_id, /^[0-9a-f]{32}$/)
  assert.equal(user.external_user_id, ext)

  const delegate = stepOutput(r.stdout, 'grant delegate')
  assert.match(delegate.line, new RegExp(`--external-user-id ${ext} --id-hint 'Demo Customer'`))
  const url = new URL(delegate.output)
  assert.equal(url.origin + url.pathname, `${emulatorUrl}/1.0/transactions/connect-accounts`)
  assert.match(url.searchParams.get('authorization_code'), /^\S{16,}$/)
  assert.equal(url.searchParams.get('redirect_uri'), 'https://example.com/callback')
  assert.equal(url.searchParams.get('client_id'), 'tink-emulator-client')

  const grant = stepOutput(r.stdout, 'grant create')
  assert.match(grant.line, new RegExp(`--user-id ${user.user_id} .*--exchange --json`))
  const userToken = JSON.parse(grant.output)
  assert.equal(userToken.scope, 'accounts:read,transactions:read')
  assert.equal(typeof userToken.access_token, 'string')
  assert.ok(userToken.expires_at, 'a user token with its expiry')

  const creds = stepOutput(r.stdout, 'credentials list')
  assert.equal(creds.line, `$ tink credentials list --user-id ${user.user_id}`)
  assert.match(creds.output, /^PROVIDER\s+STATUS/m)
  assert.match(creds.output, /UPDATED .*\(in \d+ days\)/)

  const accounts = stepOutput(r.stdout, 'api')
  assert.equal(accounts.line, `$ tink api /data/v2/accounts --user-id ${user.user_id}`)
  assert.equal(JSON.parse(accounts.output).accounts.length, 2)

  const del = stepOutput(r.stdout, 'user delete')
  assert.equal(del.line, `$ tink user delete --external-user-id ${ext} --yes`)
  assert.equal(del.output, `Deleted the user with external id ${ext}`)

  assert.match(r.stdout, /^Done\. The emulator saw \d+ requests; the user is gone\.$/m)
})
