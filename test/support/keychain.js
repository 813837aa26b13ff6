// Whether a Secret Service answers here, for the tests that use the real OS keychain. They skip
// visibly without one, and fail instead under TINK_REQUIRE_KEYCHAIN=1 (CI), so a CI machine
// that lost its keyring can never pass by skipping.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {ROOT} from '../helpers.js'

let probed
/** undefined when keytar can write and delete an item; else the reason it cannot. */
export function keychainProblem() {
  if (probed !== undefined) return probed || undefined
  const account = `probe:${randomBytes(4).toString('hex')}`
  const code = `const k = (await import('keytar')).default
    await k.setPassword('tink-auth-cli', '${account}', 'x'); await k.deletePassword('tink-auth-cli', '${account}')`
  // A keyring unlocked a moment ago may still be creating its collection: give it a few seconds.
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {cwd: ROOT, encoding: 'utf8', timeout: 15_000})
    if (r.status === 0) {
      probed = ''
      return undefined
    }
    const problem = (r.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${r.status}`).trim()
    if (!/locked/i.test(problem) || attempt >= 10) {
      probed = problem
      return problem
    }
    spawnSync('sleep', ['0.3'])
  }
}

/** For a test that needs the keychain: true to go on, false after a visible skip. */
export function needsKeychain(t) {
  const problem = keychainProblem()
  if (!problem) return true
  if (process.env.TINK_REQUIRE_KEYCHAIN === '1') assert.fail(`TINK_REQUIRE_KEYCHAIN=1 but no Secret Service: ${problem}`)
  t.skip(`no Secret Service: ${problem}`)
  return false
}
