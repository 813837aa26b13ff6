import {tokenClear} from '../../lib/actions/token-clear.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class TokenClear extends commandOf(tokenClear, {needs: {keychain: true}}) {
  static override summary = 'Empty the client-token cache of a profile (-p NAME; default: the active one).'
  static override description =
    "Cached client tokens live in the profile's secret store (OS keychain, or the --insecure-storage file). Tokens of credentials from the environment or flags are never cached: with no profile there is nothing to clear."
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> -p us-prod']
}
