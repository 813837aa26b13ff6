import {Flags} from '@oclif/core'
import {tokenGet} from '../../lib/actions/token-get.js'
import {TinkCommand} from '../../lib/base-command.js'

export default class TokenGet extends TinkCommand<typeof TokenGet> {
  static override summary = 'Get an OAuth access token.'
  static override description = `POST /api/v1/oauth/token. By default a client token (grant_type=client_credentials) for the given scopes; with --code, a user token for an authorization code; with --refresh-token, a renewed user token.
Codes and refresh tokens are secrets: pass "-" to read them from standard input.`

  static override examples = [
    {description: 'A client token for creating users, printed alone for use in a script', command: 'TOKEN=$(<%= config.bin %> <%= command.id %> --scope user:create --raw)'},
    {description: 'The full token response as JSON, with expires_at', command: '<%= config.bin %> <%= command.id %> --scope authorization:grant --json'},
    {description: 'Exchange an authorization code read from standard input', command: 'echo "$CODE" | <%= config.bin %> <%= command.id %> --code - --json'},
  ]

  static override flags = {
    scope: Flags.string({
      char: 's',
      description: 'Scopes, comma-separated (repeat the flag to add more). Client credentials only; omitted = all of the app\'s scopes.',
      multiple: true,
    }),
    code: Flags.string({
      description: 'Exchange this authorization code for a user token (grant_type=authorization_code); "-" reads it from stdin.',
      exclusive: ['refresh-token', 'scope'],
    }),
    'refresh-token': Flags.string({
      description: 'Renew a user token with this refresh token (grant_type=refresh_token); "-" reads it from stdin.',
      exclusive: ['code', 'scope'],
    }),
    'no-cache': Flags.boolean({
      description: 'Fetch a new client token even if a cached one is still fresh (and do not cache it).',
    }),
    raw: Flags.boolean({
      description: 'Print only the access token and a newline, e.g. for TOKEN=$(tink token get --raw).',
      exclusive: ['json'],
    }),
  }

  async run() {
    return tokenGet(this.invocation)
  }
}
