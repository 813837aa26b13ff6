import {TinkCommand} from '../../lib/base-command.js'
import {sharedKeychain} from '../../lib/profiles.js'
import {clearCachedTokens, ENV_NAMESPACE} from '../../lib/token-cache.js'

export default class TokenClear extends TinkCommand<typeof TokenClear> {
  static override summary = "Empty the client-token cache of a profile (-p NAME; default: the active one)."
  static override description = 'Cached client tokens live in the profile\'s secret store (OS keychain, or the --insecure-storage file). With no profile at all, clears the tokens cached for env credentials.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -p us-prod']

  async run(): Promise<{profile?: string; cleared: number}> {
    const setup = this.profile!
    // Without a readable config file, "the active profile" is unknown: do not clear something else.
    if (setup.configProblem) throw setup.configProblem
    const name = setup.profile?.name
    const cleared = setup.secretStore && name ? await clearCachedTokens(setup.secretStore, name) : await clearCachedTokens(sharedKeychain(), ENV_NAMESPACE)
    this.note(`Cleared ${cleared} cached token${cleared === 1 ? '' : 's'}${name ? ` of profile ${name}` : ' of env credentials'}`)
    return {profile: name, cleared}
  }
}
