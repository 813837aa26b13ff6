/**
 * `tink token get`: one token from Tink's POST /api/v1/oauth/token: a user token for a user and
 * scope, the exchange of an authorization code, the renewal of a refresh token, or a client token
 * (the cached one while it is fresh, unless `noCache`).
 */
import type {TinkApi, TokenResult, UserRef} from '../../tink/api.js'

export type TokenGetOptions =
  /** A user token (authorization grant + exchange, cached). */
  | {user: UserRef; scope: string; noCache: boolean}
  | {code: string}
  | {refreshToken: string}
  /** A client token; no scope means all of the app's scopes. */
  | {scope?: string; noCache: boolean}

export async function getToken(api: TinkApi, o: TokenGetOptions): Promise<TokenResult> {
  if ('user' in o) return api.userToken(o.user, o.scope, {noCache: o.noCache})
  if ('code' in o) return api.exchangeCode(o.code)
  if ('refreshToken' in o) return api.refreshToken(o.refreshToken)
  return api.cachedClientToken(o.scope, {noCache: o.noCache})
}
