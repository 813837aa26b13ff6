/** `tink token clear`: empty the client-token cache of a profile (or of env credentials). */
import type {Factory, Outcome} from '../cli/factory.js'
import {sharedKeychain} from '../secrets/stores.js'
import {clearCachedTokens, ENV_NAMESPACE} from '../secrets/token-cache.js'

export const tokenClearFlags = {}

export async function tokenClear(f: Factory): Promise<Outcome<{profile?: string; cleared: number}>> {
  const setup = f.profile()!
  // Without a readable config file, "the active profile" is unknown: do not clear something else.
  if (setup.configProblem) throw setup.configProblem
  const name = setup.profile?.name
  const cleared = setup.secretStore && name ? await clearCachedTokens(setup.secretStore, name) : await clearCachedTokens(sharedKeychain(), ENV_NAMESPACE)
  f.note(`Cleared ${cleared} cached token${cleared === 1 ? '' : 's'}${name ? ` of profile ${name}` : ' of env credentials'}`)
  return {result: {profile: name, cleared}}
}
