/**
 * The Tink OAuth and user API, one function per operation of spec/tink-oauth.openapi.yaml, plus
 * the documented multi-step flows (grant + exchange, the user-delete chain). Everything here
 * takes its HTTP client and credentials from the caller, so it runs unchanged in tests.
 */
import {createHash, randomUUID} from 'node:crypto'
import {CliError, ExitCode, tinkSaid} from '../errors/cli-error.js'
import type {HttpClient, HttpResponse} from '../http/client.js'

export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

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

/** createUser's CliError code for a 409 that most likely answers this call's own lost first attempt. */
export const USER_CREATED_BY_EARLIER_ATTEMPT = 'user_created_by_earlier_attempt'

/** The steps of Tink's delete chain: a user:delete grant, its exchange for a user token, the delete. */
export type DeleteStep = 'grant' | 'exchange' | 'delete'

export type UserRef = {userId: string; externalUserId?: undefined} | {externalUserId: string; userId?: undefined}

export interface CreateUserInput {
  external_user_id?: string
  market: string
  locale: string
  retention_class?: string
}

export interface CreatedUser {
  user_id: string
  external_user_id?: string
  [key: string]: unknown
}

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

/** The largest time a JavaScript Date represents (ECMAScript: 8.64e15 ms after the epoch). */
const MAX_DATE_MS = 8.64e15

export const TINK_LINK_ACTOR_CLIENT_ID = 'df05e4b379934cd09963197cc855bfe9'
export const TINK_LINK_SCOPES = 'authorization:read,authorization:grant,credentials:refresh,credentials:read,credentials:write,providers:read,user:read'

export interface TinkApiOptions {
  http: HttpClient
  credentials: () => Promise<ClientCredentials>
  cache?: TokenCache
  /** Reports where a cached token came from, for --verbose. */
  trace?: (line: string) => void
  now?: () => number
}

export class TinkApi {
  private readonly http: HttpClient
  private readonly credentials: () => Promise<ClientCredentials>
  private readonly cache?: TokenCache
  private readonly trace: (line: string) => void
  private readonly now: () => number
  /** Cache keys by scope: a bulk run asks once per row, and the credentials do not change. */
  private readonly cacheKeys = new Map<string, Promise<string>>()

  constructor(options: TinkApiOptions) {
    this.http = options.http
    this.credentials = options.credentials
    this.cache = options.cache
    this.trace = options.trace ?? (() => {})
    this.now = options.now ?? Date.now
  }

  /** POST /api/v1/oauth/token, grant_type=client_credentials. */
  async clientToken(scope?: string): Promise<TokenResult> {
    const {clientId, clientSecret} = await this.credentials()
    return this.token({grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope})
  }

  /** POST /api/v1/oauth/token, grant_type=authorization_code. */
  async exchangeCode(code: string): Promise<TokenResult> {
    const {clientId, clientSecret} = await this.credentials()
    return this.token({grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code})
  }

  /** POST /api/v1/oauth/token, grant_type=refresh_token. */
  async refreshToken(refreshToken: string): Promise<TokenResult> {
    const {clientId, clientSecret} = await this.credentials()
    return this.token({grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken})
  }

  /**
   * Runs `fn` with a client token for `scope`, from the cache when one is fresh. A 401 on a
   * cached token means it was revoked or the clock lied: drop it, fetch a new one, retry once.
   */
  async withClientToken<T>(scope: string, fn: (accessToken: string) => Promise<T>): Promise<T> {
    const key = this.cache ? await this.cacheKey(scope) : ''
    return this.withCachedToken(key, 'client', () => this.fetchClientToken(scope, key), fn)
  }

  /** `fn` with the fresh cached token under `key`, or with `fetch()`'s; see withClientToken. */
  private async withCachedToken<T>(key: string, kind: 'client' | 'user', fetch: () => Promise<TokenResult>, fn: (accessToken: string) => Promise<T>): Promise<T> {
    const cached = await this.freshFromCache(key, kind)
    if (cached) {
      try {
        return await fn(cached.access_token)
      } catch (err) {
        if (!(err instanceof CliError) || err.status !== 401) throw err
        this.trace(`* cached ${kind} token was refused (401); getting a new one`)
        await this.cache?.delete(key)
      }
    }
    return fn((await fetch()).access_token)
  }

  /**
   * Per client, secret, API base URL and sorted scope set. The secret's digest is part of it so
   * a rotated or mistyped secret never gets a token minted with the old one.
   */
  cacheKey(scope: string | undefined): Promise<string> {
    const known = this.cacheKeys.get(scope ?? '')
    if (known) return known
    const key = this.credentials().then(({clientId, clientSecret}) => {
      const scopes = (scope ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort().join(',')
      const secret = createHash('sha256').update(clientSecret).digest('hex').slice(0, 16)
      return `${clientId}|${secret}|${this.http.baseUrl}|${scopes}`
    })
    // A failed lookup (no credentials, a locked keychain) is asked again next time, as before.
    key.catch(() => this.cacheKeys.delete(scope ?? ''))
    this.cacheKeys.set(scope ?? '', key)
    return key
  }

  /** A client token, cached when a cache is configured (what `tink token get` uses). */
  async cachedClientToken(scope: string | undefined, opts: {noCache?: boolean} = {}): Promise<TokenResult> {
    if (opts.noCache || !this.cache) return this.clientToken(scope)
    const key = await this.cacheKey(scope)
    return (await this.freshFromCache(key)) ?? this.fetchClientToken(scope, key)
  }

  private async freshFromCache(key: string, kind: 'client' | 'user' = 'client'): Promise<TokenResult | undefined> {
    if (!this.cache) return undefined
    const cached = await this.cache.get(key)
    if (!cached || !isFresh(cached, this.now())) return undefined
    this.trace(`* using cached ${kind} token (expires ${cached.expires_at})`)
    return cached
  }

  /** A new client token, stored in the cache when its lifetime makes that safe. */
  private async fetchClientToken(scope: string | undefined, key: string): Promise<TokenResult> {
    const token = await this.clientToken(scope)
    if (this.cache && isCacheable(token)) await this.cache.set(key, token)
    return token
  }

  /**
   * A user token for (user, scope): authorization grant + code exchange, cached like client
   * tokens (per app, base URL, user and sorted scope set, until shortly before expiry), so a
   * second call for the same user and scopes sends nothing. `noCache` mints a new one and does
   * not store it. This is the one way to get a user token: `tink api`, `user get`,
   * `credentials list` and `token get --external-user-id` use it; `cacheUserToken` stores one
   * minted elsewhere (a Tink Link callback's code exchanged by the caller).
   */
  async userToken(user: UserRef, scope: string, opts: {noCache?: boolean} = {}): Promise<TokenResult> {
    if (opts.noCache || !this.cache) return this.mintUserToken(user, scope)
    const key = await this.userCacheKey(user, scope)
    return (await this.freshFromCache(key, 'user')) ?? this.fetchUserToken(user, scope, key)
  }

  /** A new user token, stored in the cache when its lifetime makes that safe. */
  private async fetchUserToken(user: UserRef, scope: string, key: string): Promise<TokenResult> {
    const token = await this.mintUserToken(user, scope)
    if (this.cache && isCacheable(token)) await this.cache.set(key, token)
    return token
  }

  /** Stores a user token for (user, scope) where userToken() will find it. */
  async cacheUserToken(user: UserRef, scope: string, token: TokenResult): Promise<void> {
    if (this.cache && isCacheable(token)) await this.cache.set(await this.userCacheKey(user, scope), token)
  }

  /**
   * Runs `fn` with a user token; a 401 on a cached one (revoked, e.g. by revoke-all) drops it
   * and retries once with a new one.
   */
  async withUserToken<T>(user: UserRef, scope: string, fn: (accessToken: string) => Promise<T>, opts: {noCache?: boolean} = {}): Promise<T> {
    if (opts.noCache || !this.cache) return fn((await this.mintUserToken(user, scope)).access_token)
    const key = await this.userCacheKey(user, scope)
    return this.withCachedToken(key, 'user', () => this.fetchUserToken(user, scope, key), fn)
  }

  private async mintUserToken(user: UserRef, scope: string): Promise<TokenResult> {
    const {code} = await this.grant(user, scope)
    return this.exchangeCode(code)
  }

  async userCacheKey(user: UserRef, scope: string): Promise<string> {
    return `${await this.cacheKey(scope)}|${userKeyPart(user)}`
  }

  /**
   * POST /api/v1/oauth/revoke-all (client token with authorization:revoke): every token of the
   * user is revoked at Tink; the user's tokens in the cache are dropped. Resolves how many.
   */
  async revokeAll(user: UserRef): Promise<{droppedFromCache: number}> {
    await this.withClientToken('authorization:revoke', async (accessToken) => {
      await this.http.post({path: '/api/v1/oauth/revoke-all', what: 'revoke-all', bearer: accessToken, form: userFields(user)})
    })
    if (!this.cache?.deleteWhere) return {droppedFromCache: 0}
    const {clientId} = await this.credentials()
    const part = userKeyPart(user)
    const base = this.http.baseUrl
    const dropped = await this.cache.deleteWhere(clientId, (key) => {
      const fields = key.split('|')
      return fields[0] === clientId && fields[2] === base && fields[4] === part
    })
    return {droppedFromCache: dropped}
  }

  /** GET on a data endpoint with a user token; the response body as received (2xx only). */
  async userGet(user: UserRef, scope: string, path: string, what: string): Promise<HttpResponse> {
    return this.withUserToken(user, scope, (accessToken) => this.http.request({method: 'GET', path, what, bearer: accessToken}))
  }

  /** POST /api/v1/oauth/authorization-grant -> a single-use code for an existing user. */
  async grant(user: UserRef, scope: string, idHint?: string): Promise<{code: string}> {
    return this.withClientToken('authorization:grant', async (accessToken) => {
      const res = await this.http.post({
        path: '/api/v1/oauth/authorization-grant',
        what: 'authorization grant',
        bearer: accessToken,
        form: {...userFields(user), scope, id_hint: idHint},
      })
      return {code: readCode(res, 'authorization grant')}
    })
  }

  /** POST /api/v1/oauth/authorization-grant/delegate -> a code for the actor (Tink Link). */
  async delegate(user: UserRef, scope: string, idHint: string, actorClientId: string): Promise<{code: string}> {
    return this.withClientToken('authorization:grant', async (accessToken) => {
      const res = await this.http.post({
        path: '/api/v1/oauth/authorization-grant/delegate',
        what: 'delegated authorization grant',
        bearer: accessToken,
        form: {...userFields(user), actor_client_id: actorClientId, scope, id_hint: idHint},
      })
      return {code: readCode(res, 'delegated authorization grant')}
    })
  }

  /**
   * POST /api/v1/user/create. The Idempotency-Key is fixed for all retries of this one call, so
   * a retry after a lost response can never create a second user.
   */
  async createUser(input: CreateUserInput, idempotencyKey: string = randomUUID()): Promise<CreatedUser> {
    return this.withClientToken('user:create', async (accessToken) => {
      let res: HttpResponse
      // An attempt that got no answer may have created the user; a server that ignores the
      // Idempotency-Key then answers the retry 409 about the user this very call made.
      let unanswered = false
      try {
        res = await this.http.post({
          path: '/api/v1/user/create',
          what: 'user create',
          bearer: accessToken,
          json: input,
          headers: {'idempotency-key': idempotencyKey},
          onRetry: (e) => (unanswered ||= e.status === undefined),
        })
      } catch (err) {
        if (tinkSaid(err, 409) && unanswered) {
          throw new CliError(
            `A user with external id "${input.external_user_id}" exists: most likely this command created it (its first attempt got no answer, and the retry was told the user already exists)`,
            {exitCode: ExitCode.OK, status: 409, code: USER_CREATED_BY_EARLIER_ATTEMPT, requestId: err.requestId},
          )
        }
        if (tinkSaid(err, 409) && input.external_user_id !== undefined) {
          throw new CliError(`A user with external id "${input.external_user_id}" already exists (HTTP 409)`, {
            exitCode: ExitCode.REJECTED,
            status: 409,
            code: err.code,
            requestId: err.requestId,
            hint: 'Use another --external-user-id, or delete that user first with tink user delete',
            fromTink: true,
          })
        }
        throw err
      }
      const body = parseJsonObject(res, 'user create')
      if (typeof body.user_id !== 'string' || !body.user_id) throw shapeError('user create', res, "the server's answer has no valid user_id")
      return body as CreatedUser
    })
  }

  /**
   * The documented delete chain: client token (authorization:grant) -> grant with
   * scope=user:delete -> exchange the code for a user token -> POST /api/v1/user/delete.
   */
  /** `onStep` hears each step of the chain as it starts, so an interruption can say where it struck. */
  async deleteUser(user: UserRef, onStep?: (step: DeleteStep) => void): Promise<void> {
    onStep?.('grant')
    const {code} = await this.grant(user, 'user:delete').catch((err: unknown) => {
      throw userNotFound(user, err)
    })
    onStep?.('exchange')
    const userToken = await this.exchangeCode(code)
    onStep?.('delete')
    await this.deleteTokenUser(userToken.access_token)
  }

  /** POST /api/v1/user/delete: the last step of the chain alone (bulk delete runs the steps itself to tell where a failure happened). */
  async deleteTokenUser(userAccessToken: string): Promise<void> {
    await this.http.post({path: '/api/v1/user/delete', what: 'user delete', bearer: userAccessToken})
  }

  private async token(form: Record<string, string | undefined>): Promise<TokenResult> {
    const res = await this.http.post({path: '/api/v1/oauth/token', what: 'token request', form})
    const body = parseJsonObject(res, 'token request')
    if (typeof body.access_token !== 'string' || !body.access_token) throw shapeError('token request', res, "the server's answer has no valid access_token")
    const token = body as TokenResponse
    const result: TokenResult = {...token}
    // A lifetime past what a Date can hold (spec-generated or broken servers send such) has no expiry time.
    const expiresMs = typeof token.expires_in === 'number' ? this.now() + token.expires_in * 1000 : NaN
    if (token.expires_in! > 0 && Number.isFinite(expiresMs) && expiresMs <= MAX_DATE_MS) {
      result.expires_at = new Date(expiresMs).toISOString()
    }
    return result
  }
}

/** A token is reused until 60 s before it runs out. */
/** Parsed expiries: bulk work asks about the same shared token once per row. */
const expiries = new WeakMap<TokenResult, {at: string; ms: number}>()

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

/**
 * The delete chain's grant answering 404 means the user does not exist (for this client): say
 * which user the person asked to delete, not which internal step of the chain failed. (A grant
 * alone keeps Tink's own "authorization grant failed: HTTP 404: User not found": there the step
 * is what the person asked for.)
 */
function userNotFound(user: UserRef, err: unknown): unknown {
  if (!tinkSaid(err, 404)) return err
  const who = user.userId !== undefined ? `user id "${user.userId}"` : `external id "${user.externalUserId}"`
  return new CliError(`No user with ${who} (HTTP 404)`, {
    exitCode: ExitCode.REJECTED,
    status: 404,
    code: err.code,
    requestId: err.requestId,
    hint: 'Check the id, and that this client created the user (users belong to the app that created them)',
    fromTink: true,
    cause: err,
  })
}

/** A user as Tink's form fields and JSON name it: {user_id} or {external_user_id}. */
export function userFields(user: UserRef): {user_id: string} | {external_user_id: string} {
  return user.userId !== undefined ? {user_id: user.userId} : {external_user_id: user.externalUserId}
}

/** A Tink answer that must be a JSON object; anything else is an unexpected answer (exit 5) naming `what`. */
export function parseJsonObject(res: HttpResponse, what: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(res.body)
  } catch {
    throw new CliError(`${what}: the server answered ${res.status} with a body that is not JSON`, {
      exitCode: ExitCode.UNAVAILABLE,
      status: res.status,
      code: 'invalid_response',
      requestId: res.requestId,
      hint: 'Check --base-url: it should point at the Tink API',
    })
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw shapeError(what, res, `the server answered ${res.status} with JSON that is not an object`)
  }
  return parsed as Record<string, unknown>
}

function readCode(res: HttpResponse, what: string): string {
  const body = parseJsonObject(res, what)
  if (typeof body.code !== 'string' || !body.code) throw shapeError(what, res, "the server's answer has no valid code")
  return body.code
}

function shapeError(what: string, res: HttpResponse, problem: string): CliError {
  return new CliError(`${what}: ${problem}`, {
    exitCode: ExitCode.UNAVAILABLE,
    status: res.status,
    code: 'invalid_response',
    requestId: res.requestId,
    hint: 'Check --base-url: it should point at the Tink API',
  })
}
