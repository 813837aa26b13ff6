import {tokenGet, tokenGetFlags} from '../../lib/actions/token-get.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class TokenGet extends commandOf(tokenGet, {flags: tokenGetFlags, needs: {request: ['no-cache', 'code', 'refresh-token'], keychain: true}}) {
  static override summary = 'Get an OAuth access token.'
  static override description = `POST /api/v1/oauth/token. By default a client token (grant_type=client_credentials) for the given scopes; with --code, a user token for an authorization code; with --refresh-token, a renewed user token.
Codes and refresh tokens are secrets: pass "-" to read them from standard input.
On a terminal it prints the token's fields, one per line; when stdout is not a terminal (a pipe, $(...), a file) it prints the access token alone, as --raw does everywhere.`

  static override examples = [
    {
      description: 'A client token for creating users, in a variable (stdout is not a terminal: the token alone)',
      command: 'TOKEN=$(<%= config.bin %> <%= command.id %> --scope user:create)',
    },
    {description: 'The full token response as JSON, with expires_at', command: '<%= config.bin %> <%= command.id %> --scope authorization:grant --json'},
    {description: 'Exchange an authorization code read from standard input', command: 'echo "$CODE" | <%= config.bin %> <%= command.id %> --code - --json'},
  ]
}
