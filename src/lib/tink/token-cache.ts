/**
 * The token-cache policy: which tokens are kept (per client, secret digest, API base URL, sorted
 * scope set, and user), how long (until 60 s before expiry), and what a 401 on a cached token
 * means (revoked, or the clock lied: drop it, get a new one, try once more). The store itself is
 * the caller's (the OS keychain, via profiles).
 */
import {createHash} from 'node:crypto'
import {CliError} from '../errors/cli-error.js'

export interface TokenResponse {
  access_token: string
  token_type?: string
  expires_in?: number
  refresh_token?: string
  scope?: string
  id_hint?: string
  [key: string]: unknown
}

/** The token as received, plus `expires_at` when the lifetime is usable. */
export type TokenResult = TokenResponse & {expires_at?: string}

export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

export type UserRef = {userId: string; externalUserId?: undefined} | {externalUserId: string; userId?: undefined}

/** Optional store of client and user tokens (the OS keychain, via profiles). */
export interface TokenCache {
  get(key: string): Promise<TokenResult | undefined>
  set(key: string, token: TokenResult): Promise<void>
  delete(key: string): Promise<void>
  /** Deletes the entries of this client whose key matches; resolves how many. */
  deleteWhere?(clientId: string, match: (key: string) => boolean): Promise<number>
}

/** The user part of a user token's cache key (the fifth |-separated field; client tokens have none). */
export function userKeyPart(user: UserRef): string {
  return user.userId !== undefined ? `user_id:${user.userId}` : `external_user_id:${user.externalUserId}`
}

/** Parsed expiries: bulk work asks about the same shared token once per row. */
const expiries = new WeakMap<TokenResult, {at: string; ms: number}>()

/** A token is reused until 60 s before it runs out. */
export function isFresh(token: TokenResult, now: number): boolean {
  if (!token.expires_at) return false
  let parsed = expiries.get(token)
  if (parsed?.at !== token.expires_at) {
    parsed = {at: token.expires_at, ms: Date.parse(token.expires_at)}
    expiries.set(token, parsed)
  }
  return parsed.ms - 60_000 > now
}

/** Spec-generated or broken lifetimes (missing, zero, negative) are never cached. */
export function isCacheable(token: TokenResult): boolean {
  return typeof token.expires_in === 'number' && token.expires_in > 60 && token.expires_at !== undefined
}

export type TokenKind = 'client' | 'user'

export class CachedTokens {
  /** Cache keys by scope: a bulk run asks once per row, and the credentials do not change. */
  private readonly keys = new Map<string, Promise<string>>()

  constructor(
    readonly cache: TokenCache | undefined,
    private readonly credentials: () => Promise<ClientCredentials>,
    private readonly baseUrl: string,
    private readonly trace: (line: string) => void,
    private readonly now: () => number,
  ) {}

  /**
   * Per client, secret, API base URL and sorted scope set. The secret's digest is part of it so
   * a rotated or mistyped secret never gets a token minted with the old one.
   */
  key(scope: string | undefined): Promise<string> {
    const known = this.keys.get(scope ?? '')
    if (known) return known
    const key = this.credentials().then(({clientId, clientSecret}) => {
      const scopes = (scope ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .sort()
        .join(',')
      const secret = createHash('sha256').update(clientSecret).digest('hex').slice(0, 16)
      return `${clientId}|${secret}|${this.baseUrl}|${scopes}`
    })
    // A failed lookup (no credentials, a locked keychain) is asked again next time, as before.
    key.catch(() => this.keys.delete(scope ?? ''))
    this.keys.set(scope ?? '', key)
    return key
  }

  async userKey(user: UserRef, scope: string): Promise<string> {
    return `${await this.key(scope)}|${userKeyPart(user)}`
  }

  async fresh(key: string, kind: TokenKind): Promise<TokenResult | undefined> {
    if (!this.cache) return undefined
    const cached = await this.cache.get(key)
    if (!cached || !isFresh(cached, this.now())) return undefined
    this.trace(`* using cached ${kind} token (expires ${cached.expires_at})`)
    return cached
  }

  /** Stores `token` when its lifetime makes that safe; resolves it. */
  async keep(key: string, token: TokenResult): Promise<TokenResult> {
    if (this.cache && isCacheable(token)) await this.cache.set(key, token)
    return token
  }

  /**
   * `fn` with the fresh cached token under `key`, or with `fetch()`'s (`fresh` tells which). A
   * 401 on a cached token drops it and tries once more with a new one.
   */
  async with<T>(key: string, kind: TokenKind, fetch: () => Promise<TokenResult>, fn: (accessToken: string, fresh: boolean) => Promise<T>): Promise<T> {
    const cached = await this.fresh(key, kind)
    if (cached) {
      try {
        return await fn(cached.access_token, false)
      } catch (err) {
        if (!(err instanceof CliError) || err.status !== 401) throw err
        this.trace(`* cached ${kind} token was refused (401); getting a new one`)
        await this.cache?.delete(key)
      }
    }
    return fn((await fetch()).access_token, true)
  }

  /**
   * Drops every cached token of `user` for this client and base URL; resolves how many. A token
   * cached under the user's other name (its user id when it is named by external id, or the
   * reverse) cannot be told apart from another user's, so those go too: a revoked token is never
   * handed out, at the cost of minting some again.
   */
  async dropUser(user: UserRef): Promise<number> {
    if (!this.cache?.deleteWhere) return 0
    const {clientId} = await this.credentials()
    const part = userKeyPart(user)
    const otherForm = user.userId !== undefined ? 'external_user_id:' : 'user_id:'
    return this.cache.deleteWhere(clientId, (key) => {
      const fields = key.split('|')
      // The user part is last and may hold | itself (an external id such as acme|42).
      const userPart = fields.slice(4).join('|')
      return fields[0] === clientId && fields[2] === this.baseUrl && (userPart === part || userPart.startsWith(otherForm))
    })
  }
}
