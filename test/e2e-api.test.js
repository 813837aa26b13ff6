// The process contract of tink api and friends (bin/run.cjs as a subprocess): exit status,
// stdout/stderr split, --json = exactly one JSON document on stdout.
import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'

import {ALL_SCOPES, startEmulator} from '../dist/emulator/index.js'
import {emulatorEnv, runCli, tempDir} from './helpers.js'

const CLIENT = {id: `e2e-api-${process.pid}-${Date.now().toString(36)}`, secret: 'e2e-api-secret', scopes: [...ALL_SCOPES]}
let emu
let env
before(async () => {
  emu = await startEmulator({quiet: true, demoData: true, clients: [CLIENT]})
  env = {...emulatorEnv(emu, CLIENT), TINK_CONFIG_DIR: tempDir('tink-config-')}
  const r = await runCli(['user', 'create', '--external-user-id', 'demo-1', '--market', 'GB', '--locale', 'en_GB'], {env})
  assert.equal(r.code, 0, r.stderr)
})
after(() => emu.close())

test('tink api --paginate: one JSON array on stdout, nothing on stderr, exit 0', async () => {
  const r = await runCli(['api', '/data/v2/transactions', '--external-user-id', 'demo-1', '--paginate'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  assert.ok(JSON.parse(r.stdout).length >= 250)
})

test('credentials list --json: exactly one JSON document; a revoked token is exit 3 with the error on stderr', async () => {
  const j = await runCli(['credentials', 'list', '-e', 'demo-1', '--json'], {env})
  assert.equal(j.code, 0, j.stderr)
  assert.equal(JSON.parse(j.stdout).credentials.length, 1)
  const t = await runCli(['token', 'get', '-e', 'demo-1', '-s', 'user:read', '--raw'], {env})
  assert.equal(t.code, 0, t.stderr)
  const rv = await runCli(['token', 'revoke', '-e', 'demo-1', '--yes'], {env})
  assert.equal(rv.code, 0, rv.stderr)
  const r = await runCli(['api', '/api/v1/user', '--token', '-'], {env, input: t.stdout.trim()})
  assert.equal(r.code, 3)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /HTTP 401/)
})

test('tink api with an unknown path and no --scope: exit 2, usage error on stderr only', async () => {
  const r = await runCli(['api', '/api/v1/whatever', '-e', 'demo-1'], {env})
  assert.equal(r.code, 2)
  assert.equal(r.stdout, '')
  assert.match(r.stderr, /--scope/)
})
