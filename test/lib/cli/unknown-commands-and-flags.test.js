// A command or flag tink does not have: a suggestion for a typo, the command tink has for a word
// other CLIs use, the way to pass a client secret; one line on stderr (or one JSON document),
// exit 2, nothing sent.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {describe, test} from 'node:test'
import {runCli} from '../../helpers.js'

describe('a mistyped command', () => {
  for (const [typed, meant] of [
    [['tokn', 'get'], 'token get'],
    [['token', 'gte'], 'token get'],
    [['usr', 'create', '--external-user-id', 'x'], 'user create'],
    [['profle', 'lst'], 'profile list'],
  ]) {
    test(`tink ${typed.join(' ')} suggests tink ${meant}, exits 2, sends nothing`, async () => {
      const r = await runCli(typed)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], new RegExp(`is not a tink command\\. Did you mean "tink ${meant}"\\?`))
    })
  }

  test('something not close to any command gets the pointer to --help, no wild guess', async () => {
    const r = await runCli(['frobnicate-everything'])
    assert.equal(r.code, 2)
    assert.doesNotMatch(r.stderr, /Did you mean/)
    assert.match(r.stderr, /Run tink --help/)
  })

  test('with --json the error is one JSON document on stdout', async () => {
    const r = await runCli(['tokn', 'get', '--json'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, '')
    const doc = JSON.parse(r.stdout)
    assert.equal(doc.error.code, 'unknown_command')
    assert.equal(doc.error.exitCode, 2)
    assert.match(doc.error.hint, /tink token get/)
  })
})

// Issue 23: `tink logout` suggested `login`; `tink version` and `tink completion` led nowhere.
describe('words other CLIs use lead to what tink calls them', () => {
  for (const [typed, leads] of [
    [['logout'], /tink profile remove NAME/],
    [['log-out'], /tink profile remove NAME/],
    [['signout'], /tink profile remove NAME/],
    [['auth', 'logout'], /tink profile remove NAME/],
    [['version'], /tink --version/],
    [['autocomplete'], /tink completion bash/],
    [['completions', 'bash'], /tink completion bash/],
    [['whoami'], /tink profile status/],
  ]) {
    test(`tink ${typed.join(' ')}: exit 2, one line leading to ${leads.source}`, async () => {
      const r = await runCli(typed)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], leads)
      assert.doesNotMatch(lines[0], /Did you mean "tink login"/)
    })
  }
})

// Issue 23: `--scop` gave only "Nonexistent flag"; `--client-secret abc` did not say where a secret goes.
describe('a flag the command does not have', () => {
  for (const [args, meant] of [
    [['token', 'get', '--scop', 'user:read'], 'scope'],
    [['token', 'get', '--scopes=user:read'], 'scope'],
    [['user', 'create', '-e', 'x', '--marke', 'GB'], 'market'],
    [['profile', 'list', '--verbos'], 'verbose'],
    [['token', 'get', '--retry', '1'], 'retries'],
  ]) {
    test(`tink ${args.join(' ')} suggests --${meant}, exit 2, nothing sent`, async () => {
      const r = await runCli(args, {env: {TINK_API_URL: 'http://127.0.0.1:9', TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b'}})
      assert.equal(r.code, 2, r.stderr)
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0], new RegExp(`Did you mean --${meant}\\?`))
    })
  }

  test('a flag near nothing gets no wild guess', async () => {
    const r = await runCli(['token', 'get', '--frobnicate'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Nonexistent flag: --frobnicate/)
    assert.doesNotMatch(r.stderr, /Did you mean/)
  })

  const SECRET = `sk-${randomBytes(6).toString('hex')}`
  for (const args of [
    ['token', 'get', '--client-secret', SECRET],
    ['token', 'get', `--client-secret=${SECRET}`],
    ['login', 'x', '--client-id', 'c', '--client-secret', SECRET],
    ['user', 'create', '-e', 'u', '--client-secret', SECRET, '--json'],
  ]) {
    const shown = args.map((a) => a.replace(SECRET, 'SECRET')).join(' ')
    test(`tink ${shown}: points at --client-secret-stdin and TINK_CLIENT_SECRET, never repeats the value`, async () => {
      const r = await runCli(args, {env: {TINK_API_URL: 'http://127.0.0.1:9'}})
      assert.equal(r.code, 2, r.stderr)
      const text = args.includes('--json') ? JSON.parse(r.stdout).error.message + ' ' + JSON.parse(r.stdout).error.hint : r.stderr
      assert.match(text, /--client-secret-stdin/)
      assert.match(text, /TINK_CLIENT_SECRET/)
      assert.ok(!(r.stdout + r.stderr).includes(SECRET), 'the value is not shown')
    })
  }

  test('a command without a secret flag says it takes none, still never repeating the value', async () => {
    const r = await runCli(['profile', 'list', '--client-secret', SECRET])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /takes no client-secret/)
    assert.ok(!r.stderr.includes(SECRET))
  })

  test('a flag value that starts with dashes is a value, not a flag to check', async () => {
    const r = await runCli(['user', 'create', '-e', 'x', '--market', '--scop'], {env: {TINK_API_URL: 'http://127.0.0.1:9', TINK_CLIENT_ID: 'a', TINK_CLIENT_SECRET: 'b'}})
    assert.doesNotMatch(r.stderr, /Did you mean --scope/)
  })
})
