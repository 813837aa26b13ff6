// The package packs and installs on its own (`npm pack -w packages/emulator`), and its bin and its
// entry work from another folder, without the tink CLI.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

test('npm pack -w packages/emulator, installed elsewhere: the bin serves Tink, the entry imports', {timeout: 180_000}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tink-emulator-pack-'))
  t.after(() => rmSync(dir, {recursive: true, force: true}))
  // --ignore-scripts: `npm test` built dist already, and prepack's rebuild would empty dist/ under
  // the test files running beside this one.
  const pack = spawnSync(npm, ['pack', '-w', 'packages/emulator', '--pack-destination', dir, '--silent', '--ignore-scripts'], {cwd: ROOT, encoding: 'utf8'})
  assert.equal(pack.status, 0, pack.stderr)
  const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  assert.match(tgz, /^tink-emulator-\d+\.\d+\.\d+\.tgz$/)
  const app = join(dir, 'app')
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--offline', '--prefix', app, join(dir, tgz)], {cwd: dir, encoding: 'utf8'})
  assert.equal(install.status, 0, install.stderr)
  const bin = join(app, 'node_modules', '.bin', 'tink-emulator')

  const help = spawnSync(bin, ['--help'], {cwd: app, encoding: 'utf8'})
  assert.equal(help.status, 0, help.stderr)
  assert.match(help.stdout, /Usage: tink-emulator/)
  assert.match(help.stdout, /market outside every list Tink\s+documents is refused\s+with 400/)
  const bad = spawnSync(bin, ['--port', 'x'], {cwd: app, encoding: 'utf8'})
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /--port must be a whole number/)

  const child = spawn(bin, ['--json', '--quiet', '--seed', '1'], {cwd: app, stdio: ['ignore', 'pipe', 'pipe']})
  t.after(() => child.kill('SIGKILL'))
  const line = await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}`)))
  })
  const info = JSON.parse(line)
  assert.deepEqual(info.redirectUris, ['https://console.tink.com/callback', 'https://console.us.tink.com/callback'])
  const token = await fetch(`${info.url}/api/v1/oauth/token`, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({client_id: info.clientId, client_secret: info.clientSecret, grant_type: 'client_credentials', scope: 'user:create'}),
  })
  assert.equal(token.status, 200)
  assert.equal((await token.json()).scope, 'user:create')
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  assert.equal(await exited, 0, 'SIGTERM stops it with 0')

  const js = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('tink-emulator'); const e = await m.startEmulator(); console.log(typeof e.url, m.TINK_SCOPES.length > 70); await e.close()"], {cwd: app, encoding: 'utf8'})
  assert.equal(js.status, 0, js.stderr)
  assert.equal(js.stdout.trim(), 'string true')
})
