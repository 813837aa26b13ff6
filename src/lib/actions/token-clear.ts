/** `tink token clear`: empty the client-token cache of a profile (or of env credentials). */
import type {Invocation} from '../invocation.js'
import {sharedKeychain} from '../profiles.js'
import {clearCachedTokens, ENV_NAMESPACE} from '../token-cache.js'

export async function tokenClear(inv: Invocation): Promise<{profile?: string; cleared: number}> {
  const setup = inv.profile!
  // Without a readable config file, "the active profile" is unknown: do not clear something else.
  if (setup.configProblem) throw setup.configProblem
  const name = setup.profile?.name
  const cleared = setup.secretStore && name ? await clearCachedTokens(setup.secretStore, name) : await clearCachedTokens(sharedKeychain(), ENV_NAMESPACE)
  inv.note(`Cleared ${cleared} cached token${cleared === 1 ? '' : 's'}${name ? ` of profile ${name}` : ' of env credentials'}`)
  return {profile: name, cleared}
}
