// A secret a server echoes back, in any encoding, is masked in errors, headers and --verbose; a
// usage error never echoes a secret, whatever the flag syntax.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {TOKEN_PATH} from '../../support/cli.js'
import {server} from '../../support/scripted-server.js'

describe('a secret echoed back in any encoding is masked in errors, headers and --verbose', () => {
  const SECRET = 'Zq9/s3cr+t väl&ue'
  const ID = 'echo-client-id'
  const b = (t) => Buffer.from(t, 'utf8')
  const FORMS = {
    base64: b(SECRET).toString('base64'),
    base64NoPad: b(SECRET).toString('base64').replace(/=+$/, ''),
    base64url: b(SECRET).toString('base64url'),
    basic: b(`${ID}:${SECRET}`).toString('base64'),
    basicUrl: b(`${ID}:${SECRET}`).toString('base64url'),
    hex: b(SECRET).toString('hex'),
    HEX: b(SECRET).toString('hex').toUpperCase(),
    unicode: [...SECRET].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')).join(''),
    UNICODE: [...SECRET].map((c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()).join(''),
    pctLower: encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    pctMixed: encodeURIComponent(SECRET).replace(/%([0-9A-F])([0-9A-F])/g, (_, a, c) => `%${a}${c.toLowerCase()}`),
    pctEvery: [...b(SECRET)].map((x) => '%' + x.toString(16).padStart(2, '0')).join(''),
  }
  for (const [name, form] of Object.entries(FORMS)) {
    test(name, async () => {
      const srv = await server()
      srv.script(TOKEN_PATH, {status: 400, headers: {'content-type': 'text/html', 'x-echo': form}, body: `<html><pre>rejected ${form} here</pre></html>`})
      const r = await runTink(['token', 'get', '--no-cache', '--retries', '0', '--verbose'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: ID, TINK_CLIENT_SECRET: SECRET}})
      assert.equal(r.code, 4, r.stderr)
      assert.ok(!(r.stdout + r.stderr).includes(form), `${name} form leaked:\n${r.stderr}`)
      const j = await runTink(['token', 'get', '--no-cache', '--retries', '0', '--json'], {env: {TINK_API_URL: srv.url, TINK_CLIENT_ID: ID, TINK_CLIENT_SECRET: SECRET}})
      assert.ok(!(j.stdout + j.stderr).includes(form), `${name} form leaked in --json`)
    })
  }
})

describe('a usage error never echoes a secret, whatever the flag syntax', () => {
  const V = 'PastedSecretVALUE42'
  const SHAPES = [[`--client-secret-stdin=${V}`], ['--client-secret', V], [`--client-secret=${V}`], [`--secret=${V}`], [V], ['--client-id', 'x', V], ['--client-secret-stdin', V], [V, 'second']]
  for (const cmd of [['token', 'get'], ['profile', 'add', 'p1'], ['login']]) {
    for (const shape of SHAPES) {
      test(`${cmd.join(' ')} ${shape.join(' ')}`, async () => {
        const r = await runTink([...cmd, ...shape], {input: ''})
        assert.equal(r.code, 2, r.stderr)
        assert.ok(!(r.stdout + r.stderr).includes(V), r.stderr)
        const j = await runTink([...cmd, ...shape, '--json'], {input: ''})
        assert.ok(!(j.stdout + j.stderr).includes(V), j.stdout)
      })
    }
  }
})
