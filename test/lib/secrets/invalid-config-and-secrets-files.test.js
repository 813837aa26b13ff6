// Without a keychain, a config file (config.json) or a secrets file (secrets.json, --insecure-storage)
// that is not valid: exit 2 with one line naming the file, what is wrong and the way out, the
// secret never shown, nothing written over the file; env credentials still work past a broken config.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {runCli, tempDir} from '../../helpers.js'
import {CLIENT, emulatorForSuite, NO_KEYCHAIN, tokenRequests} from '../../support/no-keychain.js'

describe('without a keychain', () => {
  const emu = emulatorForSuite()

  describe('a config file that is not valid', () => {
    const configIn = (text) => {
      const dir = tempDir()
      writeFileSync(join(dir, 'config.json'), text)
      return dir
    }
    const oneLine = (r) => r.stderr.trim().split('\n')

    test('not JSON: exit 2 naming the file and the fix; env credentials still work, with one warning', async () => {
      const dir = configIn('{not json')
      const path = join(dir, 'config.json')
      const env = {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}
      for (const args of [['profile', 'list'], ['profile', 'show'], ['token', 'get'], ['token', 'get', '-p', 'x', '--raw'], ['token', 'clear'], ['login', 'n', '--client-id', 'x', '--client-secret-stdin', '--insecure-storage', '--no-verify']]) {
        const r = await runCli(args, {env: {...env, ...(args.includes('-p') ? {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret} : {})}, input: 's'})
        assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.ok(oneLine(r)[0].startsWith(`Error: The config file ${path} is not valid JSON`), r.stderr)
        assert.match(r.stderr, /Fix it, or move it aside/)
        assert.doesNotMatch(r.stderr, /No profiles yet/)
      }
      assert.equal(readFileSync(path, 'utf8'), '{not json', 'login did not overwrite the file')

      const before = tokenRequests(emu).length
      const ok = await runCli(['token', 'get', '--json'], {env: {...env, TINK_API_URL: emu.url, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}})
      assert.equal(ok.code, 0, ok.stderr)
      assert.ok(JSON.parse(ok.stdout).access_token, 'stdout is the token document')
      assert.equal(tokenRequests(emu).length, before + 1)
      const warnings = oneLine(ok).filter(Boolean)
      assert.equal(warnings.length, 1, ok.stderr)
      assert.ok(warnings[0].startsWith(`Warning: the config file ${path} is not valid JSON`), ok.stderr)
      assert.match(warnings[0], /going on without profiles/)
    })

    test('valid JSON of the wrong shape: exit 2 saying what is wrong, not "No profiles yet"', async () => {
      for (const [text, what] of [
        ['[]', /holds an array; expected a JSON object of tink profiles/],
        ['"x"', /holds a string; expected a JSON object of tink profiles/],
        ['null', /holds null; expected a JSON object of tink profiles/],
        ['{"profiles": []}', /"profiles" = an array; expected an object of profiles/],
        ['{"profiles": {"eu": "x"}}', /profiles\.eu = a string; expected an object/],
        ['{"profiles": {"eu": {}}}', /profiles\.eu\.clientId = nothing; expected the client id/],
        ['{"profiles": {"eu": {"clientId": 7}}}', /profiles\.eu\.clientId = a number; expected the client id/],
        ['{"active": 3, "profiles": {}}', /"active" = a number; expected a profile name/],
        ['', /is empty; expected a JSON object of tink profiles/],
        [' \n\t\n', /is empty; expected a JSON object of tink profiles/],
        ['{"profiles": {"eu": {"clientId": "c", "baseUrl": "http', /is not valid JSON \(truncated or edited\?\)/],
        ['{"profiles": {"eu": {"clientId": "c", "storage": "cloud"}}}', /profiles\.eu\.storage = a string; expected "keychain" or "file"/],
        ['{"profiles": {"eu": {"clientId": "c", "region": ["us"]}}}', /profiles\.eu\.region = an array; expected a non-empty string/],
        ['{"profiles": {"eu": {"clientId": "c", "linkBaseUrl": false}}}', /profiles\.eu\.linkBaseUrl = a boolean; expected a URL/],
        ['{"profiles": {"eu": {"clientId": "c", "market": 46}}}', /profiles\.eu\.market = a number; expected a non-empty string/],
      ]) {
        const dir = configIn(text)
        const r = await runCli(['profile', 'list'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}})
        assert.equal(r.code, 2, `${text}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.match(r.stderr, what)
        assert.ok(r.stderr.includes(join(dir, 'config.json')), 'names the file')
        assert.doesNotMatch(r.stderr, /No profiles yet/)
        assert.match(r.stderr, /Fix it, or move it aside/)
      }
    })

    // Issue 23: a baseUrl of the wrong kind was dropped and the credentials went to api.tink.com.
    for (const [kind, value] of [['a number', 42], ['an array', ['http://127.0.0.1:9']], ['an object', {url: 'http://127.0.0.1:9'}], ['a boolean', true], ['an empty string', ''], ['null', null]]) {
      test(`a profile whose baseUrl is ${kind}: exit 2 naming the file and the key, no request anywhere, also with env credentials`, async () => {
        const dir = configIn(JSON.stringify({active: 'eu', profiles: {eu: {clientId: CLIENT.id, storage: 'file', baseUrl: value}}}))
        writeFileSync(join(dir, 'secrets.json'), JSON.stringify({'eu:client-secret': CLIENT.secret}))
        for (const env of [{}, {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret}, {TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, HTTPS_PROXY: 'http://127.0.0.1:9'}]) {
          const r = await runCli(['token', 'get', '--retries', '0', '--timeout', '2'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, ...env}})
          assert.equal(r.code, 2, r.stderr)
          assert.equal(oneLine(r).length, 1, r.stderr)
          assert.ok(r.stderr.includes(join(dir, 'config.json')), r.stderr)
          assert.match(r.stderr, new RegExp(`profiles\\.eu\\.baseUrl = ${kind}; expected a URL`))
          assert.doesNotMatch(r.stderr, /api\.tink\.com|cannot reach/)
        }
      })
    }

    test('a broken config file with env credentials but no API URL or region: exit 2, never the production API', async () => {
      const dir = configIn('{"profiles": {"emu": {"clientId": "c", "baseUrl": 9}}, "active": "emu"}')
      const r = await runCli(['token', 'get', '--retries', '0', '--timeout', '2'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}})
      assert.equal(r.code, 2, r.stderr)
      assert.doesNotMatch(r.stderr, /api\.tink\.com|cannot reach/)
      const given = await runCli(['token', 'get', '--json'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, TINK_API_URL: emu.url}})
      assert.equal(given.code, 0, given.stderr)
      assert.match(given.stderr, /going on without profiles/)
    })

    test('profile add on a broken config file stores nothing: no secrets file, the config file untouched', async () => {
      for (const text of ['', '  ', '[]', '{"profiles": {"a": {"clientId": "c", "baseUrl": 1}}}', '{"profiles"']) {
        const dir = configIn(text)
        const r = await runCli(['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}, input: 's3cr3t-value'})
        assert.equal(r.code, 2, `${JSON.stringify(text)}: ${r.stderr}`)
        assert.equal(oneLine(r).length, 1, r.stderr)
        assert.doesNotMatch(r.stderr, /Unexpected end of JSON|s3cr3t-value/)
        assert.equal(existsSync(join(dir, 'secrets.json')), false, 'no secret stored for a profile that could not be saved')
        assert.equal(readFileSync(join(dir, 'config.json'), 'utf8'), text)
      }
    })
  })

  describe('a secrets file that is not valid (--insecure-storage)', () => {
    const SECRET = 'very-secret-value-123'
    for (const [text, what] of [
      ['', /is empty; expected a JSON object of account names and secrets/],
      ['   \n', /is empty; expected a JSON object/],
      [`{"p:client-secret": "${SECRET}`, /is not valid JSON \(truncated or edited\?\); expected a JSON object/],
      [`["${SECRET}"]`, /holds an array; expected a JSON object/],
      ['42', /holds a number; expected a JSON object/],
      [`{"p:client-secret": ["${SECRET}"]}`, /has "p:client-secret" = an array; expected the secret as a string/],
      [`{"p:client-secret": 12345}`, /has "p:client-secret" = a number; expected the secret as a string/],
    ]) {
      test(`${JSON.stringify(text).replace(SECRET, 'SECRET')}: exit 2 naming the file and the way out, the secret never shown`, async () => {
        const dir = tempDir()
        writeFileSync(join(dir, 'config.json'), JSON.stringify({active: 'p', profiles: {p: {clientId: CLIENT.id, storage: 'file', baseUrl: emu.url}}}))
        writeFileSync(join(dir, 'secrets.json'), text)
        for (const args of [['token', 'get'], ['login', 'q', '--client-id', 'x', '--client-secret-stdin', '--insecure-storage', '--no-verify']]) {
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: dir, ...NO_KEYCHAIN}, input: 'other'})
          assert.equal(r.code, 2, `tink ${args.join(' ')}: ${r.stderr}`)
          const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: secrets are in a plain file'))
          assert.equal(lines.length, 1, r.stderr)
          assert.ok(lines[0].startsWith(`Error: The secrets file ${join(dir, 'secrets.json')} `), r.stderr)
          assert.match(lines[0], what)
          assert.match(lines[0], /Fix it, or move it aside/)
          assert.ok(!r.stderr.includes(SECRET), 'the file\'s text is not quoted')
        }
        assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), text, 'left as it was')
      })
    }
  })
})
