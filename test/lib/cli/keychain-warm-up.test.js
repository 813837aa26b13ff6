// What a command line gets prepared before the bundle loads, from what each command declares
// (`command({needs})`, collected at build time into dist/command-needs.json): the keychain's
// first lookup at the entry (src/lib/cli/keychain-topics.ts) for commands that may read a secret or
// a cached token, and no other (--help, profile and emulator commands never load the keychain's
// modules at the entry); and on Node 20 the V8 flag bin/run.cjs sets for command lines that always
// send a request.
import assert from 'node:assert/strict'
import {copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {test} from 'node:test'
import {alwaysSends} from '../../../dist/lib/cli/command-needs.cjs'
import {mayUseKeychain} from '../../../dist/lib/cli/keychain-topics.js'
import {collectNeeds, writeNeeds} from '../../../scripts/command-needs.mjs'
import {ROOT, runNode, tempDir} from '../../helpers.js'

const table = JSON.parse(readFileSync(join(ROOT, 'dist', 'command-needs.json'), 'utf8'))

test('the keychain warm-up starts for the commands that read secrets, not for help, other commands or secrets from elsewhere', () => {
  for (const argv of [['token', 'get', '--raw'], ['token', 'inspect', '-'], ['user', 'create', '-e', 'u1'], ['grant', 'delegate'], ['credentials', 'list'], ['api', '/api/v1/user'], ['link', 'connect']]) {
    assert.equal(mayUseKeychain(argv, {}, table), true, argv.join(' '))
  }
  for (const argv of [[], ['--help'], ['token'], ['token', 'get', '--help'], ['user', 'create', '-h'], ['profile', 'add', 'x'], ['login'], ['emulator', 'start'], ['tokn', 'get'], ['user', 'crate']]) {
    assert.equal(mayUseKeychain(argv, {}, table), false, argv.join(' ') || '(no words)')
  }
  assert.equal(mayUseKeychain(['token', 'get'], {TINK_CLIENT_SECRET: 's'}, table), false, 'a secret in the environment')
  assert.equal(mayUseKeychain(['token', 'get'], {TINK_CLIENT_SECRET: '  '}, table), true, 'a blank TINK_CLIENT_SECRET is no secret')
  assert.equal(mayUseKeychain(['token', 'get', '--client-secret-stdin'], {}, table), false, 'a secret on stdin')
})

test('the V8 flag is for command lines that always send a request, as the commands declare', () => {
  for (const argv of [['user', 'create', '-e', 'u1'], ['user', 'delete'], ['grant', 'create'], ['credentials', 'list'], ['api', '/api/v1/user'], ['token', 'revoke'], ['token', 'get', '--no-cache'], ['token', 'get', '--code=-'], ['token', 'get', '--refresh-token', '-'], ['webhook', 'list']]) {
    assert.equal(alwaysSends(argv, table), true, argv.join(' '))
  }
  // A cached `token get` may answer without a request; help, profiles and the emulator send none here.
  for (const argv of [[], ['--help'], ['token', 'get', '--raw'], ['token', 'inspect', '-'], ['user', 'create', '--help'], ['profile', 'list'], ['emulator', 'start'], ['user'], ['webhook', 'verify', '--payload', 'p.json']]) {
    assert.equal(alwaysSends(argv, table), false, argv.join(' ') || '(no words)')
  }
})

test('a new command that declares it sends a request gets the V8 flag and the warm-up without an edit of bin/', async () => {
  // A copy of the project whose commands are two new ones; bin/run.cjs is copied unchanged.
  const root = tempDir('tink-needs-')
  mkdirSync(join(root, 'bin'))
  copyFileSync(join(ROOT, 'bin', 'run.cjs'), join(root, 'bin', 'run.cjs'))
  for (const f of ['package.json', 'node_modules']) symlinkSync(join(ROOT, f), join(root, f))
  mkdirSync(join(root, 'dist'))
  for (const f of readdirSync(join(ROOT, 'dist')).filter((f) => f !== 'command-needs.json')) symlinkSync(join(ROOT, 'dist', f), join(root, 'dist', f))
  const commands = join(root, 'commands')
  mkdirSync(join(commands, 'ping'), {recursive: true})
  writeFileSync(join(commands, 'package.json'), '{"type": "module"}\n')
  const base = pathToFileURL(join(ROOT, 'dist', 'lib', 'cli', 'base-command.js')).href
  const command = (needs) => `import {command} from ${JSON.stringify(base)}\nexport default class extends command({needs: ${needs}}) {\n  async main() {\n    return {}\n  }\n}\n`
  writeFileSync(join(commands, 'ping', 'sends.js'), command("{request: 'always', keychain: true}"))
  writeFileSync(join(commands, 'ping', 'local.js'), command('{}'))
  const generated = await writeNeeds(commands, join(root, 'dist', 'command-needs.json'))
  assert.deepEqual(generated, {'ping:sends': {request: 'always', keychain: true}})
  assert.deepEqual(await collectNeeds(join(ROOT, 'dist', 'commands')), table, 'the built table is what the built commands declare')
  assert.equal(mayUseKeychain(['ping', 'sends'], {}, generated), true)
  assert.equal(mayUseKeychain(['ping', 'local'], {}, generated), false)

  // The flag shows in the name of the code cache file the run uses (src/lib/cli/compile-cache.cts).
  const cacheHome = tempDir('tink-needs-cache-')
  const cacheFiles = () => readdirSync(join(cacheHome, 'tink-auth-cli', 'v8-compile-cache')).map((f) => f.replace(/^node-v[\d.]+-\w+-[0-9a-f]{16}-/, '')).sort()
  const run = (argv) => runNode(join(root, 'bin', 'run.cjs'), argv, {env: {XDG_CACHE_HOME: cacheHome}, cwd: root})
  await run(['ping', 'local'])
  assert.deepEqual(cacheFiles(), ['other.cache'])
  await run(['ping', 'sends'])
  const node20 = process.versions.node.startsWith('20.')
  assert.deepEqual(cacheFiles(), node20 ? ['other-liftoff.cache', 'other.cache'] : ['other.cache'])
})
