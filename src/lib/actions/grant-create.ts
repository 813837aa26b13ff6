/** `tink grant create`: an authorization code for an existing user, optionally exchanged at once. */
import type {GlobalFlags} from '../context.js'
import {usageError} from '../errors.js'
import type {Invocation} from '../invocation.js'
import {formatToken} from '../output.js'
import type {TokenResult} from '../tink.js'
import {userRef} from '../user-flags.js'
import {checkIdHint, joinScopes} from '../validate.js'

export interface GrantCreateFlags extends GlobalFlags {
  'external-user-id'?: string
  'user-id'?: string
  scope?: string[]
  'id-hint'?: string
  exchange?: boolean
}

export async function grantCreate(inv: Invocation<GrantCreateFlags>): Promise<{code: string} | TokenResult> {
  const {flags, ctx} = inv
  const user = userRef(flags)
  const scope = joinScopes(flags.scope)
  if (!scope) throw usageError('--scope is required', 'e.g. --scope accounts:read,transactions:read')
  const idHint = flags['id-hint'] === undefined ? undefined : checkIdHint(flags['id-hint'])
  await ctx.preflight({needsCredentials: true})

  const api = await ctx.api()
  const {code} = await api.grant(user, scope, idHint)
  if (!flags.exchange) {
    inv.out(code)
    return {code}
  }
  const token = await api.exchangeCode(code)
  inv.out(formatToken(token))
  return token
}
