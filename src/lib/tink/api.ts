/**
 * The Tink OAuth and user API, one function per operation of spec/tink-oauth.openapi.yaml, plus
 * the documented multi-step flows (grant + exchange, the user-delete chain). Every Tink endpoint
 * path the CLI calls is in PATHS. Everything here takes its HTTP client and credentials from the
 * caller, so it runs unchanged in tests; the token-cache policy is tink/token-cache.ts, Tink's
 * error bodies are read in tink/errors.ts.
 */
import {randomUUID} from 'node:crypto'
import {CliError, ExitCode, tinkSaid} from '../errors/cli-error.js'
import type {HttpClient, HttpResponse, RequestSpec} from '../http/client.js'
import {grantRefused, parseJsonObject, shapeError, tinkError, userNotFound} from './errors.js'
import {CachedTokens, type ClientCredentials, type TokenCache, type TokenResponse, type TokenResult, type UserRef} from './token-cache.js'
import {CLIENT_SCOPES} from './scopes.js'

export {isCacheable, isFresh, userKeyPart, type ClientCredentials, type TokenCache, type TokenResponse, type TokenResult, type UserRef} from './token-cache.js'
export {parseJsonObject} from './errors.js'

/** Every Tink endpoint the CLI calls by name (`tink api` takes any path). */
export const PATHS = {
  token: '/api/v1/oauth/token',
  grant: '/api/v1/oauth/authorization-grant',
  delegate: '/api/v1/oauth/authorization-grant/delegate',
  revokeAll: '/api/v1/oauth/revoke-all',
  userCreate: '/api/v1/user/create',
  userDelete: '/api/v1/user/delete',
  user: '/api/v1/user',
  credentialsList: '/api/v1/credentials/list',
  webhookEndpoints: '/events/v2/webhook-endpoints',
} as const

/** createUser's CliError code for a 409 that most likely answers this call's own lost first attempt. */
export const USER_CREATED_BY_EARLIER_ATTEMPT = 'user_created_by_earlier_attempt'

/** The steps of Tink's delete chain: a user:delete grant, its exchange for a user token, the delete. */
export type DeleteStep = 'grant' | 'exchange' | 'delete'

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
  private readonly tokens: CachedTokens
  private readonly now: () => number

  constructor(options: TinkApiOptions) {
    this.http = options.http
    this.credentials = options.credentials
    this.now = options.now ?? Date.now
    this.tokens = new CachedTokens(options.cache, options.credentials, options.http.baseUrl, options.trace ?? (() => {}), this.now)
  }

  /** Any request, with Tink's error body read on failure (`tink api`, the data endpoints). */
  async request(spec: RequestSpec): Promise<HttpResponse> {
    try {
      return await this.http.request(spec)
    } catch (err) {
      throw tinkError(err)
    }
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
   * Runs `fn` with a client token for `scope`, from the cache when one is fresh (`fresh` is false
   * then). A 401 on a cached token drops it and tries once more with a new one.
   */
  async withClientToken<T>(scope: string, fn: (accessToken: string, fresh: boolean) => Promise<T>): Promise<T> {
    const key = this.tokens.cache ? await this.tokens.key(scope) : ''
    return this.tokens.with(key, 'client', () => this.fetchClientToken(scope, key), fn)
  }

  cacheKey(scope: string | undefined): Promise<string> {
    return this.tokens.key(scope)
  }

  /** A client token, cached when a cache is configured (what `tink token get` uses). */
  async cachedClientToken(scope: string | undefined, opts: {noCache?: boolean} = {}): Promise<TokenResult> {
    if (opts.noCache || !this.tokens.cache) return this.clientToken(scope)
    const key = await this.tokens.key(scope)
    return (await this.tokens.fresh(key, 'client')) ?? this.fetchClientToken(scope, key)
  }

  private async fetchClientToken(scope: string | undefined, key: string): Promise<TokenResult> {
    return this.tokens.keep(key, await this.clientToken(scope))
  }

  /**
   * A user token for (user, scope): authorization grant + code exchange, cached like client
   * tokens, so a second call for the same user and scopes sends nothing. `noCache` mints a new
   * one and does not store it. The one way to get a user token: `tink api`, `user get`,
   * `credentials list` and `token get --external-user-id` use it; `cacheUserToken` stores one
   * minted elsewhere (a Tink Link callback's code exchanged by the caller).
   */
  async userToken(user: UserRef, scope: string, opts: {noCache?: boolean} = {}): Promise<TokenResult> {
    if (opts.noCache || !this.tokens.cache) return this.mintUserToken(user, scope)
    const key = await this.tokens.userKey(user, scope)
    return (await this.tokens.fresh(key, 'user')) ?? this.tokens.keep(key, await this.mintUserToken(user, scope))
  }

  /** Stores a user token for (user, scope) where userToken() will find it. */
  async cacheUserToken(user: UserRef, scope: string, token: TokenResult): Promise<void> {
    if (this.tokens.cache) await this.tokens.keep(await this.tokens.userKey(user, scope), token)
  }

  /** Runs `fn` with a user token; a 401 on a cached one (revoked) drops it and tries once more with a new one. */
  async withUserToken<T>(user: UserRef, scope: string, fn: (accessToken: string) => Promise<T>, opts: {noCache?: boolean} = {}): Promise<T> {
    if (opts.noCache || !this.tokens.cache) return fn((await this.mintUserToken(user, scope)).access_token)
    const key = await this.tokens.userKey(user, scope)
    return this.tokens.with(key, 'user', async () => this.tokens.keep(key, await this.mintUserToken(user, scope)), fn)
  }

  /** A grant for reading the user's data, exchanged: a 404 says the user does not exist, in one message everywhere. */
  private async mintUserToken(user: UserRef, scope: string): Promise<TokenResult> {
    const {code} = await this.grant(user, scope).catch((err: unknown) => {
      throw userNotFound(user, err)
    })
    return this.exchangeCode(code)
  }

  async userCacheKey(user: UserRef, scope: string): Promise<string> {
    return this.tokens.userKey(user, scope)
  }

  /**
   * POST /api/v1/oauth/revoke-all (client token with authorization:revoke): every token of the
   * user is revoked at Tink; the user's tokens in the cache are dropped. Resolves how many.
   */
  async revokeAll(user: UserRef): Promise<{droppedFromCache: number}> {
    await this.withClientToken('authorization:revoke', (accessToken) =>
      this.post({path: PATHS.revokeAll, what: 'revoke-all', bearer: accessToken, form: userFields(user)}),
    )
    return {droppedFromCache: await this.tokens.dropUser(user)}
  }

  /** GET /api/v1/user: the user as Tink has it (a user:read user token). */
  async getUser(user: UserRef): Promise<Record<string, unknown>> {
    return parseJsonObject(await this.userGet(user, 'user:read', PATHS.user, 'user get'), 'user get')
  }

  /** GET /api/v1/credentials/list: the banks the user connected (a credentials:read user token). */
  async listCredentials(user: UserRef): Promise<Record<string, unknown>> {
    return parseJsonObject(await this.userGet(user, 'credentials:read', PATHS.credentialsList, 'credentials list'), 'credentials list')
  }

  /** GET on a data endpoint with a user token; the response as received (2xx only). */
  async userGet(user: UserRef, scope: string, path: string, what: string): Promise<HttpResponse> {
    return this.withUserToken(user, scope, (accessToken) => this.request({method: 'GET', path, what, bearer: accessToken}))
  }

  /** POST /api/v1/oauth/authorization-grant -> a single-use code for an existing user. */
  async grant(user: UserRef, scope: string, idHint?: string): Promise<{code: string}> {
    return this.withClientToken(CLIENT_SCOPES.grant, async (accessToken, fresh) => {
      const what = 'authorization grant'
      const res = await this.post({path: PATHS.grant, what, bearer: accessToken, form: {...userFields(user), scope, id_hint: idHint}}).catch((err: unknown) => {
        // A cached token's 401 may be the token's own (revoked): withClientToken tries a new one first.
        throw fresh ? grantRefused(user, scope, err) : err
      })
      return {code: readCode(res, what)}
    })
  }

  /** POST /api/v1/oauth/authorization-grant/delegate -> a code for the actor (Tink Link). */
  async delegate(user: UserRef, scope: string, idHint: string, actorClientId: string): Promise<{code: string}> {
    return this.withClientToken(CLIENT_SCOPES.grant, async (accessToken, fresh) => {
      const what = 'delegated authorization grant'
      const res = await this.post({
        path: PATHS.delegate,
        what,
        bearer: accessToken,
        form: {...userFields(user), actor_client_id: actorClientId, scope, id_hint: idHint},
      }).catch((err: unknown) => {
        throw fresh ? grantRefused(user, scope, err) : err
      })
      return {code: readCode(res, what)}
    })
  }

  /**
   * POST /api/v1/user/create. The Idempotency-Key is fixed for all retries of this one call, so
   * a retry after a lost response can never create a second user. `onSent` hears when the create
   * request goes out (after the client token), so an interruption can say the user may exist.
   */
  async createUser(input: CreateUserInput, idempotencyKey: string = randomUUID(), onSent?: () => void): Promise<CreatedUser> {
    return this.withClientToken(CLIENT_SCOPES.createUser, async (accessToken) => {
      let res: HttpResponse
      // From here on the user may be created, whatever happens to the answer.
      onSent?.()
      // An attempt that got no answer may have created the user; a server that ignores the
      // Idempotency-Key then answers the retry 409 about the user this very call made.
      let unanswered = false
      try {
        res = await this.post({
          path: PATHS.userCreate,
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
            fromTink: true,
            cause: err,
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
   * `onStep` hears each step of the chain as it starts, so an interruption can say where it struck.
   */
  async deleteUser(user: UserRef, onStep?: (step: DeleteStep) => void): Promise<void> {
    onStep?.('grant')
    const {code} = await this.grant(user, 'user:delete').catch((err: unknown) => {
      throw userNotFound(user, err)
    })
    onStep?.('exchange')
    const userToken = await this.exchangeCode(code)
    onStep?.('delete')
    await this.deleteTokenUser(userToken.access_token)
    // A deleted user's cached tokens are dead: never handed out again.
    await this.tokens.dropUser(user)
  }

  /** POST /api/v1/user/delete: the last step of the chain alone (bulk delete runs the steps itself to tell where a failure happened). */
  async deleteTokenUser(userAccessToken: string): Promise<void> {
    await this.post({path: PATHS.userDelete, what: 'user delete', bearer: userAccessToken})
  }

  private post(spec: Omit<RequestSpec, 'method'>): Promise<HttpResponse> {
    return this.request({...spec, method: 'POST'})
  }

  private async token(form: Record<string, string | undefined>): Promise<TokenResult> {
    let res: HttpResponse
    try {
      res = await this.http.post({path: PATHS.token, what: 'token request', form})
    } catch (err) {
      // The token endpoint is where the client id and secret are checked: a 401 here is about them.
      throw tinkError(err, 'client_credentials')
    }
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

/** A user as Tink's form fields and JSON name it: {user_id} or {external_user_id}. */
export function userFields(user: UserRef): {user_id: string} | {external_user_id: string} {
  return user.userId !== undefined ? {user_id: user.userId} : {external_user_id: user.externalUserId}
}

function readCode(res: HttpResponse, what: string): string {
  const body = parseJsonObject(res, what)
  if (typeof body.code !== 'string' || !body.code) throw shapeError(what, res, "the server's answer has no valid code")
  return body.code
}
