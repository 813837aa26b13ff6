/** `tink token get`: a client token (from the cache when fresh), or a user token for a code or refresh token. */
import type {GlobalFlags} from '../context.js'
import {usageError} from '../errors.js'
import type {Invocation} from '../invocation.js'
import {formatToken} from '../output.js'
import type {TokenResult} from '../tink.js'
import {joinScopes} from '../validate.js'

export interface TokenGetFlags extends GlobalFlags {
  scope?: string[]
  code?: string
  'refresh-token'?: string
  'no-cache'?: boolean
  raw?: boolean
}

export async function tokenGet(inv: Invocation<TokenGetFlags>): Promise<TokenResult> {
  const {flags, ctx} = inv
  const scope = joinScopes(flags.scope)
  if (flags.code !== undefined && !flags.code.trim()) throw usageError('--code is empty', 'Give the authorization code, or - to read it from stdin')
  if (flags['refresh-token'] !== undefined && !flags['refresh-token'].trim()) throw usageError('--refresh-token is empty', 'Give the refresh token, or - to read it from stdin')
  const code = flags.code === '-' ? await ctx.readStdin('the authorization code') : flags.code
  const refresh = flags['refresh-token'] === '-' ? await ctx.readStdin('the refresh token') : flags['refresh-token']
  await ctx.preflight({needsCredentials: true})

  const api = await ctx.api()
  const token = code ? await api.exchangeCode(code) : refresh ? await api.refreshToken(refresh) : await api.cachedClientToken(scope, {noCache: flags['no-cache']})

  if (flags.raw) inv.io.stdout.write(token.access_token + '\n')
  else inv.out(formatToken(token))
  return token
}
