/** `tink token get`: a client token (from the cache when fresh), or a user token for a code or refresh token. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags} from '../cli/flags.js'
import {userRef} from '../cli/user-ref.js'
import type {CommandFlags} from '../cli/flags.js'
import {formatToken} from '../cli/output.js'
import {usageError} from '../errors/cli-error.js'
import type {TokenResult} from '../tink/api.js'
import {joinScopes} from '../tink/validate.js'

export const tokenGetFlags = {
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
}

export async function tokenGet(f: Factory, flags: CommandFlags<typeof tokenGetFlags>): Promise<Outcome<TokenResult>> {
  const scope = joinScopes(flags.scope)
  const code = flags.code === '-' ? await f.stdin.value('the authorization code') : flags.code
  const refresh = flags['refresh-token'] === '-' ? await f.stdin.value('the refresh token') : flags['refresh-token']
  const user = flags['external-user-id'] !== undefined || flags['user-id'] !== undefined ? userRef(flags) : undefined
  if (user && !scope) throw usageError('A user token needs --scope', 'e.g. --scope accounts:read,transactions:read')
  await f.run.preflight({needsCredentials: true})

  const api = await f.api()
  const token = user
    ? await api.userToken(user, scope!, {noCache: flags['no-cache']})
    : code
      ? await api.exchangeCode(code)
      : refresh
        ? await api.refreshToken(refresh)
        : await api.cachedClientToken(scope, {noCache: flags['no-cache']})

  // In a pipe or $(...) the token is what a script wants, as `gh auth token` prints it; the
  // labelled block is for people reading a terminal. --json is the whole answer either way.
  if (flags.raw || (!f.json && !f.io.stdout.isTTY)) f.io.stdout.write(token.access_token + '\n')
  else f.print.out(formatToken(token))
  return {result: token}
}
