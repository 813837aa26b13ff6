import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {clearTokens, type TokenClearResult} from '../../lib/services/token/clear.js'

export default class TokenClear extends command({needs: {keychain: true}}) {
  static override summary = 'Empty the client-token cache of a profile (-p NAME; default: the active one).'
  static override description =
    "Cached client tokens live in the profile's secret store (OS keychain, or the --insecure-storage file). Tokens of credentials from the environment or flags are never cached: with no profile there is nothing to clear."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -p us-prod']

  protected async main(f: Factory): Promise<Outcome<TokenClearResult>> {
    const setup = f.profile()!
    // Without a readable config file, "the active profile" is unknown: do not clear something else.
    if (setup.configProblem) throw setup.configProblem
    const name = setup.profile?.name
    const r = await clearTokens({profile: setup.secretStore && name ? {name, store: setup.secretStore} : undefined})
    if (r.profile === undefined) {
      f.print.note('Nothing to clear: tokens of credentials from the environment or flags are never cached (each command fetches its own)')
    } else f.print.note(`Cleared ${r.cleared} cached token${r.cleared === 1 ? '' : 's'} of profile ${r.profile}`)
    return {result: r}
  }
}
