/** `tink token clear`: empty the client-token cache of a profile. */
import type {Factory, Outcome} from '../cli/factory.js'
import {clearCachedTokens} from '../secrets/token-cache.js'

export async function tokenClear(f: Factory): Promise<Outcome<{profile?: string; cleared: number}>> {
  const setup = f.profile()!
  // Without a readable config file, "the active profile" is unknown: do not clear something else.
  if (setup.configProblem) throw setup.configProblem
  const name = setup.profile?.name
  if (!setup.secretStore || !name) {
    f.print.note('Nothing to clear: tokens of credentials from the environment or flags are never cached (each command fetches its own)')
    return {result: {profile: undefined, cleared: 0}}
  }
  const cleared = await clearCachedTokens(setup.secretStore, name)
  f.print.note(`Cleared ${cleared} cached token${cleared === 1 ? '' : 's'} of profile ${name}`)
  return {result: {profile: name, cleared}}
}
