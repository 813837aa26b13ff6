// `tink profile set NAME KEY VALUE`: changes one default without the secret; client-id and unknown
// keys are refused; values are checked.
import assert from 'node:assert/strict'
import { describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {tempDir} from '../../helpers.js'
import {server} from '../../support/scripted-server.js'

describe('profile set NAME KEY VALUE', () => {
  test('changes one default without the secret; client-id and unknown keys are refused; values are checked', async () => {
    const dir = tempDir()
    const env = {TINK_CONFIG_DIR: dir}
    const add = await runTink(['profile', 'add', 'acme', '--client-id', 'cid', '--client-secret-stdin', '--insecure-storage', '--no-verify', '--market', 'GB'], {input: 'sec', env})
    assert.equal(add.code, 0, add.stderr)
    for (const [key, value, field] of [['market', 'SE', 'market'], ['locale', 'sv_SE', 'locale'], ['redirect-uri', 'https://example.com/cb', 'redirectUri'], ['region', 'us', 'region'], ['base-url', 'https://api.example.com', 'baseUrl'], ['link-base-url', 'https://link.example.com', 'linkBaseUrl']]) {
      const r = await runTink(['profile', 'set', 'acme', key, value], {env})
      assert.equal(r.code, 0, r.stderr)
      const show = JSON.parse((await runTink(['profile', 'show', 'acme', '--json'], {env})).stdout)
      assert.equal(JSON.stringify(show).includes(`"${field}":"${value}"`), true, JSON.stringify(show))
    }
    const srv = await server({token: true})
    await runTink(['profile', 'set', 'acme', 'base-url', srv.url], {env})
    const tok = await runTink(['token', 'get', '--no-cache', '-p', 'acme'], {env})
    assert.equal(tok.code, 0, tok.stderr)
    assert.equal(srv.requests.at(-1).form.client_secret, 'sec', 'the stored secret is kept')
    for (const args of [['acme', 'client-id', 'other'], ['acme', 'colour', 'red'], ['acme', 'market', 'gb'], ['acme', 'base-url', 'https://u:p@h.example'], ['nosuch', 'market', 'SE']]) {
      const r = await runTink(['profile', 'set', ...args], {env})
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    }
  })
})
