// A URL with credentials (https://user:pass@host) is refused everywhere it can be given
// (TINK_API_URL, --link-base-url, profile add --base-url, a hand-edited config) and never shown.
import assert from 'node:assert/strict'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {tempDir} from '../../helpers.js'

const servers = []
after(() => Promise.all(servers.map((s) => s.close())))

describe('a URL with credentials is refused everywhere, and never shown', () => {
  const URLS = ['https://user:pa55word@api.example.com', 'https://onlyuser@api.example.com', 'http://u:p@127.0.0.1:9']
  for (const url of URLS) {
    test(`--base-url ${url}`, async () => {
      const r = await runTink(['token', 'get', '--no-cache', '--base-url', url], {env: {TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
      assert.equal(r.code, 2)
      assert.match(r.stderr, /credentials/)
      assert.doesNotMatch(r.stderr + r.stdout, /pa55word|onlyuser|u:p@/)
    })
  }
  test('TINK_API_URL and --link-base-url', async () => {
    let r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_API_URL: URLS[0], TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
    r = await runTink(['grant', 'delegate', '--external-user-id', 'u1', '--id-hint', 'J', '--link-base-url', 'https://a:pa55word@link.example.com'], {env: {TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
  })
  test('profile add --base-url and a hand-edited config', async () => {
    const dir = tempDir()
    let r = await runTink(['profile', 'add', 'p1', '--client-id', 'cid', '--client-secret-stdin', '--base-url', URLS[0], '--no-verify'], {input: 'sec', env: {TINK_CONFIG_DIR: dir}})
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /pa55word/)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'h', profiles: {h: {clientId: 'cid', storage: 'file', baseUrl: URLS[0]}}}))
    r = await runTink(['profile', 'show', 'h'], {env: {TINK_CONFIG_DIR: dir}})
    assert.doesNotMatch(r.stderr + r.stdout, /pa55word/)
    r = await runTink(['token', 'get', '--no-cache'], {env: {TINK_CONFIG_DIR: dir, TINK_CLIENT_SECRET: 'y'}})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /credentials/)
    assert.doesNotMatch(r.stderr, /pa55word/)
  })
})
