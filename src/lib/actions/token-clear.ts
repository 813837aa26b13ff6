/** `tink token clear`: empty the client-token cache of a profile (or of env credentials). */
import type {Factory, Outcome} from '../cli/factory.js'
import {KeychainError} from '../secrets/keychain.js'
import {sharedKeychain} from '../secrets/stores.js'
import {clearCachedTokens, ENV_NAMESPACE} from '../secrets/token-cache.js'

export const tokenClearFlags = {}

export async function tokenClear(f: Factory): Promise<Outcome<{profile?: string; cleared: number}>> {
  const setup = f.profile()!
  // Without a readable config file, "the active profile" is unknown: do not clear something else.
  if (setup.configProblem) throw setup.configProblem
  const name = setup.profile?.name
  let cleared: number
  try {
    cleared = setup.secretStore && name ? await clearCachedTokens(setup.secretStore, name) : await clearCachedTokens(sharedKeychain(), ENV_NAMESPACE)
  } catch (err) {
    // Environment credentials cache their tokens in the keychain only: without one, nothing was ever cached.
    if (name || !(err instanceof KeychainError)) throw err
    f.note('Nothing to clear: with credentials from the environment, tokens are cached only in the OS keychain, and there is none here (so none were cached)')
    return {result: {profile: undefined, cleared: 0}}
  }
  f.note(`Cleared ${cleared} cached token${cleared === 1 ? '' : 's'}${name ? ` of profile ${name}` : ' of env credentials'}`)
  return {result: {profile: name, cleared}}
}
