// The README's quick-start demo (`npm run demo` = build + node scripts/demo.js), run as a user
// runs it: it must succeed and show each step's command line and what that command printed.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {spawn} from 'node:child_process'
import {ROOT, cleanEnv, runNode} from '../helpers.js'

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
  assert.equal(url.searchParams.get('redirect_uri'), 'https://console.tink.com/callback')
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
  // Not on a terminal: nothing asks to open a page of an emulator that stops with the demo.
  assert.doesNotMatch(r.stdout, /browser|press Enter/i)
})

/** Runs the demo on a pseudo-terminal (util-linux `script`); `atPrompt(screen)` runs while it waits at step 3, before Enter. */
function runDemoOnTerminal(atPrompt) {
  const line = [process.execPath, join(ROOT, 'scripts', 'demo.js')].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', line, '/dev/null'], {cwd: ROOT, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    let asked = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the demo on a terminal did not finish; screen:\n${screen}`))
    }, 60_000)
    child.stdout.setEncoding('utf8').on('data', (d) => {
      screen += d
      if (!asked && screen.includes('press Enter to go on')) {
        asked = true
        atPrompt(screen).then(
          () => child.stdin.write('\r'),
          (err) => {
            child.kill('SIGKILL')
            reject(err)
          },
        )
      }
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, screen, asked})
    })
  })
}

test('npm run demo on a terminal waits at the Tink Link step while its emulator serves the page, and asks nowhere else', async () => {
  let link
  let page
  const r = await runDemoOnTerminal(async (screen) => {
    link = /^(http:\/\/127\.0\.0\.1:\d+\/1\.0\/transactions\/connect-accounts\?\S+)\s*$/m.exec(screen)?.[1]
    assert.ok(link, `the Tink Link URL is on the screen:\n${screen}`)
    const res = await fetch(link)
    page = {status: res.status, body: await res.text()}
  })
  assert.equal(r.asked, true, r.screen)
  assert.equal(r.code, 0, r.screen)
  assert.match(r.screen, /^Done\. /m)
  // The page the demo asked to open was served, for the demo's customer and redirect URI.
  assert.equal(page.status, 200, page.body)
  assert.doesNotMatch(page.body, /not registered/i)
  assert.equal(new URL(link).searchParams.get('redirect_uri'), 'https://console.tink.com/callback')
  // Once the demo ends its emulator is gone: the wait was the only time to open it.
  await assert.rejects(fetch(link))
})
