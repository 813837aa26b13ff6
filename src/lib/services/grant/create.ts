/**
 * An authorization code for an existing user (POST /api/v1/oauth/authorization-grant), and with
 * `exchange` the user token it is exchanged for at once (`tink grant create`).
 */
import type {TinkApi, TokenResult, UserRef} from '../../tink/api.js'

export interface GrantCreateOptions {
  user: UserRef
  /** Comma-separated scopes the code grants. */
  scope: string
  /** A name or e-mail for the user, shown by Tink Link. */
  idHint?: string
  exchange: boolean
}

/** The code alone, or (with `exchange`) the code spent on a user token. */
export type GrantCreated = {code: string; token?: undefined} | {code?: undefined; token: TokenResult}

export async function createGrant(api: TinkApi, o: GrantCreateOptions): Promise<GrantCreated> {
  const {code} = await api.grant(o.user, o.scope, o.idHint)
  if (!o.exchange) return {code}
  return {token: await api.exchangeCode(code)}
}
