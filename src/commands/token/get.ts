import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {formatToken} from '../../lib/cli/output.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {getToken, type TokenGetOptions} from '../../lib/services/token/get.js'
import type {TokenResult} from '../../lib/tink/api.js'
import {joinScopes} from '../../lib/tink/validate.js'

export default class TokenGet extends command({
  flags: {
    'external-user-id': {
      ...userFlags['external-user-id'],
      description: 'A user token for this user (authorization grant + exchange, cached) for --scope.',
      exclusive: ['user-id', 'code', 'refresh-token'],
    },
    'user-id': {
      ...userFlags['user-id'],
      description: "A user token for this user, by Tink's user_id, for --scope.",
      exclusive: ['external-user-id', 'code', 'refresh-token'],
    },
    scope: Flags.string({
      char: 's',
      description: "Scopes, comma-separated (repeat the flag to add more). For a client token omitted = all of the app's scopes; required with a user.",
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
      description: 'Print only the access token and a newline, on a terminal too (without a terminal on stdout that is the default: TOKEN=$(tink token get)).',
      exclusive: ['json'],
    }),
  },
  needs: {request: ['no-cache', 'code', 'refresh-token'], keychain: true},
}) {
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

  protected async main(f: Factory): Promise<Outcome<TokenResult>> {
    const {flags} = this
    const scope = joinScopes(flags.scope)
    const code = flags.code === '-' ? await f.stdin.value('the authorization code') : flags.code
    const refreshToken = flags['refresh-token'] === '-' ? await f.stdin.value('the refresh token') : flags['refresh-token']
    const user = flags['external-user-id'] !== undefined || flags['user-id'] !== undefined ? userRef(flags) : undefined
    if (user && !scope) throw usageError('A user token needs --scope', 'e.g. --scope accounts:read,transactions:read')
    await f.run.preflight({needsCredentials: true})
    const noCache = flags['no-cache']
    const options: TokenGetOptions = user ? {user, scope: scope!, noCache} : code ? {code} : refreshToken ? {refreshToken} : {scope, noCache}
    const token = await getToken(await f.api(), options)
    // In a pipe or $(...) the token is what a script wants, as `gh auth token` prints it; the
    // labelled block is for people reading a terminal. --json is the whole answer either way.
    if (flags.raw || (!f.json && !f.io.stdout.isTTY)) f.io.stdout.write(token.access_token + '\n')
    else f.print.out(formatToken(token))
    return {result: token}
  }
}
