// Which command lines start the keychain's first lookup at the entry (src/lib/cli/keychain-topics.ts):
// those that may read a secret or a cached token from it, and no other (--help, profile and
// emulator commands never load the keychain's modules at the entry).
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {mayUseKeychain} from '../dist/lib/cli/keychain-topics.js'

test('the keychain warm-up starts for the topics that read secrets, not for help, other topics or secrets from elsewhere', () => {
  for (const argv of [['token', 'get', '--raw'], ['user', 'create', '-e', 'u1'], ['grant', 'delegate'], ['credentials', 'list'], ['api', '/api/v1/user']]) {
    assert.equal(mayUseKeychain(argv, {}), true, argv.join(' '))
  }
  for (const argv of [[], ['--help'], ['token', 'get', '--help'], ['user', 'create', '-h'], ['profile', 'add', 'x'], ['login'], ['emulator', 'start'], ['tokn', 'get']]) {
    assert.equal(mayUseKeychain(argv, {}), false, argv.join(' ') || '(no words)')
  }
  assert.equal(mayUseKeychain(['token', 'get'], {TINK_CLIENT_SECRET: 's'}), false, 'a secret in the environment')
  assert.equal(mayUseKeychain(['token', 'get'], {TINK_CLIENT_SECRET: '  '}), true, 'a blank TINK_CLIENT_SECRET is no secret')
  assert.equal(mayUseKeychain(['token', 'get', '--client-secret-stdin'], {}), false, 'a secret on stdin')
})
