import {createHmac, randomBytes, randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {BUILTIN_CLIENT, type EmulatorClient, splitScopes, ALL_SCOPES, TINK_LINK_CLIENT_ID} from './clients.js'
import {
  accountJson,
  balancesJson,
  connectDemoBank,
  connectionPrng,
  credentialsJson,
  currencyOf,
  DEMO_PROVIDER,
  newCredentials,
  SESSION_MS,
  transactionJson,
} from './data.js'
import {
  type FaultEndpoint,
  type FaultSpec,
  FAULT_ENDPOINTS,
  makePrng,
  parseFaultSpec,
  type ResolvedFaults,
  resolveFaults,
  validateFaultSpec,
} from './faults.js'
import {
  type BankChoice,
  isBankChoice,
  isLinkFlow,
  isLoopbackRedirect,
  LINK_PRODUCTS,
  type LinkFlowName,
  makesReport,
  NEEDS_CREDENTIALS,
  needsAuthorizationCode,
  renderChooser,
  renderErrorPage,
} from './link.js'
import {isLocale, isMarket} from '../lib/tink/markets.js'
import {
  type AccessToken,
  CODE_TTL_MS,
  IDEMPOTENCY_TTL_MS,
  newHexId,
  newToken,
  Store,
  TEMPORARY_USER_TTL_MS,
  type UserRecord,
} from './state.js'

export interface EmulatorOptions {
  /** Default 0: a free port. */
  port?: number
  /** Default '127.0.0.1'. */
  host?: string
  /** Persist users across restarts (atomic, debounced, flushed on close). */
  stateFile?: string
  /** Seconds for client and user tokens; unset = 1800 (client) / 7200 (user), like Tink's examples. */
  tokenTtl?: number
  /** Extra clients besides BUILTIN_CLIENT. */
  clients?: EmulatorClient[]
  faults?: string | FaultSpec
  /** Seeds the fault PRNG so fault sequences are reproducible. */
  seed?: number
  /** Clock in ms; tests move it forward to expire codes and tokens. */
  now?: () => number
  /**
   * Default true for the library: no per-request log. `quiet: false` writes one
   * line per request to stderr (or to `log` when given).
   */
  quiet?: boolean
  log?: (line: string) => void
  /**
   * `requests` recording: true (default) keeps the last 100,000 requests,
   * a number keeps the last N, false records nothing (benchmarks).
   */
  recordRequests?: boolean | number
  /**
   * Redirect URIs registered for every client besides loopback http ones (localhost,
   * 127.0.0.1, [::1], any port and path), which are always registered. Matched exactly.
   */
  redirectUris?: string[]
  /** Every user created gets one connected Demo Bank: credentials, two accounts, 250-350 transactions. */
  demoData?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
  form?: Record<string, string>
  json?: unknown
  /** Status sent; 0 when the emulator reset the connection instead of answering. */
  status: number
  /** Arrival time, emulator clock (ms). */
  at: number
}

export interface EmulatorUser {
  user_id: string
  external_user_id?: string
  market: string
  locale: string
  retention_class: string
  created_at: string
  /** The client that created the user (Tink scopes users to the app). */
  client_id: string
}

export interface RunningEmulator {
  url: string
  port: number
  /** Every Tink request received (not /__emulator/ ones), in arrival order; capped, see recordRequests. */
  requests: RecordedRequest[]
  users(): EmulatorUser[]
  setFaults(spec: string | FaultSpec | undefined): void
  close(): Promise<void>
}

interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
  /** Default application/json; Tink Link pages are text/html. */
  contentType?: string
}

interface Ctx {
  req: IncomingMessage
  record: RecordedRequest
  body: string
  query: URLSearchParams
  /** Path segments a pattern route captured (an account id, a Link flow). */
  params: string[]
}

interface ClientEntry extends EmulatorClient {
  scopeSet: ReadonlySet<string>
}

type Handler = (ctx: Ctx) => Reply

interface Route {
  methods: readonly string[]
  /** Unset: only the unprefixed fault entries apply (the fault grammar names the five seed endpoints). */
  endpoint?: FaultEndpoint
  handler: Handler
}

const DEFAULT_RECORD_CAP = 100_000
const MAX_BODY = 1024 * 1024
const SWEEP_MS = 60_000
const DEFAULT_CLIENT_TTL_S = 1800
const DEFAULT_USER_TTL_S = 7200
const JSON_CT = 'application/json'
const HTML_CT = 'text/html; charset=utf-8'
/** Tink's transactions endpoint: pageSize at most 100; the emulator's default when none is given. */
const MAX_PAGE_SIZE = 100
const DEFAULT_PAGE_SIZE = 50
/** What a one-time Tink Link flow's `code` grants: the usual data scopes. */
const DATA_SCOPES = 'accounts:read,balances:read,transactions:read,provider-consents:read,credentials:read,user:read'
const TIME_ZONES: Record<string, string> = {GB: 'Europe/London', SE: 'Europe/Stockholm', DK: 'Europe/Copenhagen', NO: 'Europe/Oslo', FI: 'Europe/Helsinki', DE: 'Europe/Berlin', FR: 'Europe/Paris', ES: 'Europe/Madrid', IT: 'Europe/Rome', NL: 'Europe/Amsterdam', US: 'America/New_York'}
const BALANCES_RE = /^\/data\/v2\/accounts\/([^/]+)\/balances$/

const err = (status: number, errorCode: string, errorMessage: string, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify({errorMessage, errorCode}),
  headers,
})
const ok = (value: unknown): Reply => ({status: 200, body: JSON.stringify(value)})
const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v && typeof (v as Reply).status === 'number'

function mediaType(req: IncomingMessage): string {
  const ct = req.headers['content-type']
  if (!ct) return ''
  const semi = ct.indexOf(';')
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase()
}

/** ISO-8859-1 only, as the live service requires for id_hint (it is shown in Tink Link). */
const isLatin1 = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false
  return true
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || host.startsWith('127.')

class Emulator implements RunningEmulator {
  url = ''
  port = 0
  readonly requests: RecordedRequest[] = []

  private readonly store: Store
  private readonly clients = new Map<string, ClientEntry>()
  private readonly now: () => number
  private readonly prng: () => number
  private readonly clientTtl: number
  private readonly userTtl: number
  private readonly recordCap: number
  private readonly log: ((line: string) => void) | undefined
  private faultsByEndpoint = new Map<FaultEndpoint | '*', ResolvedFaults | undefined>()
  private anyFaults = false
  private readonly server: Server
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly sweepTimer: NodeJS.Timeout
  private closed = false
  private readonly routes: Map<string, Route>
  private readonly redirectUris: ReadonlySet<string>
  private readonly balancesRoute: Route
  private readonly linkRoute: Route
  /** Demo data follows the seed: connection n of a run draws from connectionPrng(seed, n). */
  private readonly dataSeed: number
  private connections = 0
  /** Signs page tokens, so a token the emulator did not issue is a 400, as on Tink. */
  private readonly pageKey = randomBytes(32)

  constructor(private readonly opts: EmulatorOptions) {
    this.now = opts.now ?? Date.now
    this.store = new Store(this.now, opts.stateFile)
    this.prng = makePrng(opts.seed ?? (Math.random() * 2 ** 32) >>> 0)
    this.dataSeed = opts.seed ?? (Math.random() * 2 ** 32) >>> 0
    for (const uri of opts.redirectUris ?? []) {
      if (!URL.canParse(uri)) throw new Error(`redirect URI "${uri}" is not an absolute URL`)
    }
    this.redirectUris = new Set(opts.redirectUris ?? [])
    if (opts.tokenTtl !== undefined && !(Number.isInteger(opts.tokenTtl) && opts.tokenTtl > 0)) {
      throw new Error(`tokenTtl must be a positive whole number of seconds, got ${opts.tokenTtl}`)
    }
    this.clientTtl = opts.tokenTtl ?? DEFAULT_CLIENT_TTL_S
    this.userTtl = opts.tokenTtl ?? DEFAULT_USER_TTL_S
    const rec = opts.recordRequests ?? true
    this.recordCap = rec === true ? DEFAULT_RECORD_CAP : rec === false ? 0 : Math.max(0, Math.floor(rec))
    this.log = opts.quiet === false || (opts.quiet === undefined && opts.log) ? (opts.log ?? ((l) => process.stderr.write(l + '\n'))) : undefined

    for (const c of [BUILTIN_CLIENT, ...(opts.clients ?? [])]) {
      if (this.clients.has(c.id)) throw new Error(`duplicate emulator client id "${c.id}"`)
      const unknown = c.scopes.filter((s) => !ALL_SCOPES.includes(s))
      if (unknown.length > 0) throw new Error(`client "${c.id}" has unknown scopes: ${unknown.join(', ')}`)
      this.clients.set(c.id, {...c, scopes: [...c.scopes], scopeSet: new Set(c.scopes)})
    }
    this.setFaults(opts.faults)

    this.routes = new Map<string, Route>([
      ['/api/v1/oauth/token', {methods: ['POST'], endpoint: 'token', handler: (c) => this.token(c)}],
      ['/api/v1/oauth/authorization-grant', {methods: ['POST'], endpoint: 'grant', handler: (c) => this.grant(c, false)}],
      ['/api/v1/oauth/authorization-grant/delegate', {methods: ['POST'], endpoint: 'delegate', handler: (c) => this.grant(c, true)}],
      ['/api/v1/user/create', {methods: ['POST'], endpoint: 'create', handler: (c) => this.createUser(c)}],
      ['/api/v1/user/delete', {methods: ['POST'], endpoint: 'delete', handler: (c) => this.deleteUser(c)}],
      ['/api/v1/oauth/revoke-all', {methods: ['POST'], handler: (c) => this.revokeAll(c)}],
      ['/api/v1/user', {methods: ['GET'], handler: (c) => this.getUser(c)}],
      ['/api/v1/user/profile', {methods: ['GET'], handler: (c) => this.getProfile(c)}],
      ['/api/v1/credentials/list', {methods: ['GET'], handler: (c) => this.listCredentials(c)}],
      ['/api/v1/provider-consents', {methods: ['GET'], handler: (c) => this.providerConsents(c)}],
      ['/data/v2/accounts', {methods: ['GET'], handler: (c) => this.listAccounts(c)}],
      ['/data/v2/transactions', {methods: ['GET'], handler: (c) => this.listTransactions(c)}],
    ])
    this.balancesRoute = {methods: ['GET'], handler: (c) => this.balances(c)}
    this.linkRoute = {methods: ['GET', 'POST'], handler: (c) => this.link(c)}

    this.server = createServer((req, res) => this.onRequest(req, res))
    // A client that resets mid-request is expected here (fault tests); it is not an emulator error.
    this.server.on('clientError', (_e, socket) => socket.destroy())
    this.sweepTimer = setInterval(() => this.store.sweep(), SWEEP_MS)
    this.sweepTimer.unref()
  }

  async listen(): Promise<void> {
    const host = this.opts.host ?? '127.0.0.1'
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.opts.port ?? 0, host, () => {
        this.server.off('error', reject)
        resolve()
      })
    })
    const addr = this.server.address() as AddressInfo
    this.port = addr.port
    const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    this.url = `http://${shown}:${this.port}`
  }

  users(): EmulatorUser[] {
    return this.store.liveUsers().map((u) => {
      const {expires_at: _drop, ...rest} = u
      return {...rest}
    })
  }

  setFaults(spec: string | FaultSpec | undefined): void {
    const parsed = spec === undefined ? {} : typeof spec === 'string' ? parseFaultSpec(spec) : validateFaultSpec(spec)
    const map = new Map<FaultEndpoint | '*', ResolvedFaults | undefined>()
    map.set('*', resolveFaults(parsed, undefined))
    for (const ep of FAULT_ENDPOINTS) map.set(ep, resolveFaults(parsed, ep))
    this.faultsByEndpoint = map
    this.anyFaults = [...map.values()].some(Boolean)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.sweepTimer)
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()))
    // close() alone waits for idle keep-alive sockets to time out; tests need the process to exit now.
    this.server.closeAllConnections()
    await done
    await this.store.flush()
  }

  // ---- request plumbing ----

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const requestId = randomUUID()
    const started = this.log ? performance.now() : 0

    if (path.startsWith('/__emulator/')) {
      this.readBody(req, (body) => this.send(req, res, requestId, this.inspect(req, path, body), undefined, started))
      return
    }

    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers as Record<string, string>,
      body: '',
      status: 0,
      at: this.now(),
    }
    if (this.recordCap > 0) {
      // Drop the oldest tenth at once so trimming stays amortised O(1) per request.
      if (this.requests.length >= this.recordCap) this.requests.splice(0, Math.ceil(this.recordCap / 10))
      this.requests.push(record)
    }

    const {route, params} = this.routeFor(path)
    const faults = this.anyFaults ? this.faultsByEndpoint.get(route?.endpoint ?? '*') : undefined
    let pre: string | undefined
    if (faults && faults.pre.length > 0) {
      const r = this.prng()
      pre = faults.pre.find((p) => r < p.upTo)?.kind
      if (pre === 'reset') {
        this.reset(req, record, requestId, started)
        return
      }
    }

    this.readBody(req, (body, tooLarge) => {
      record.body = body
      const proceed = (): void => {
        if (this.closed) return
        if (tooLarge) return this.send(req, res, requestId, err(413, 'payload_too_large', 'Request body is larger than 1 MiB'), record, started)
        if (pre !== undefined) return this.send(req, res, requestId, this.injected(pre, faults!), record, started)
        let reply: Reply
        if (!route) reply = err(404, 'not_found', `No such endpoint: ${req.method} ${path}`)
        else if (!route.methods.includes(req.method ?? '')) {
          const allow = route.methods.join(', ')
          reply = err(405, 'method_not_allowed', `Method ${req.method} is not allowed on ${path}; use ${allow}`, {allow})
        } else reply = route.handler({req, record, body, query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)), params})
        if (faults && faults.resetAfterCommit > 0 && this.prng() < faults.resetAfterCommit) {
          this.reset(req, record, requestId, started)
          return
        }
        this.send(req, res, requestId, reply, record, started)
      }
      if (faults && faults.latencyMs > 0) {
        const t = setTimeout(() => {
          this.timers.delete(t)
          proceed()
        }, faults.latencyMs)
        this.timers.add(t)
      } else {
        proceed()
      }
    })
  }

  private routeFor(path: string): {route: Route | undefined; params: string[]} {
    const exact = this.routes.get(path)
    if (exact) return {route: exact, params: []}
    const m = BALANCES_RE.exec(path)
    if (m) return {route: this.balancesRoute, params: [decodeURIComponent(m[1])]}
    if (path.startsWith('/1.0/')) return {route: this.linkRoute, params: [path.slice('/1.0/'.length)]}
    return {route: undefined, params: []}
  }

  private readBody(req: IncomingMessage, cb: (body: string, tooLarge: boolean) => void): void {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY) chunks.push(c)
    })
    req.on('end', () => {
      const tooLarge = size > MAX_BODY
      cb(tooLarge ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'), tooLarge)
    })
    // A client that goes away mid-body gets no answer; nothing to clean up.
    req.on('error', () => {})
  }

  private reset(req: IncomingMessage, record: RecordedRequest, requestId: string, started: number): void {
    record.status = 0
    req.socket.resetAndDestroy()
    this.logLine(req.method ?? '', record.path, 'RESET', requestId, started)
  }

  private injected(kind: string, faults: ResolvedFaults): Reply {
    switch (kind) {
      case '500':
        return err(500, 'internal_error', 'Internal server error (emulator fault injection)')
      case '502':
        return err(502, 'bad_gateway', 'Bad gateway (emulator fault injection)')
      case '503':
        return err(503, 'service_unavailable', 'Service temporarily unavailable (emulator fault injection)')
      case '429': {
        const ra = faults.retryAfter
        // An HTTP date has whole-second resolution, so aim 2 s out to keep it in the future.
        const value = ra === 'date' ? new Date(Date.now() + 2000).toUTCString() : String(ra)
        return err(429, 'rate_limited', 'Too many requests (emulator fault injection)', {'retry-after': value})
      }
      default:
        return {status: 200, body: '{"errorMessage": "truncated by emulator fault inj'}
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, requestId: string, reply: Reply, record: RecordedRequest | undefined, started: number): void {
    if (this.closed || res.destroyed) return
    const headers: Record<string, string> = {'x-request-id': requestId}
    const trace = req.headers['x-client-trace-id']
    if (typeof trace === 'string') headers['x-client-trace-id'] = trace
    if (reply.headers) Object.assign(headers, reply.headers)
    if (reply.body !== undefined) {
      headers['content-type'] = reply.contentType ?? JSON_CT
      headers['content-length'] = String(Buffer.byteLength(reply.body))
    }
    if (reply.status === 401) headers['www-authenticate'] ??= 'Bearer'
    res.writeHead(reply.status, headers)
    res.end(reply.body)
    if (record) record.status = reply.status
    this.logLine(req.method ?? '', record?.path ?? req.url ?? '', String(reply.status), requestId, started)
  }

  private logLine(method: string, path: string, outcome: string, requestId: string, started: number): void {
    if (!this.log) return
    const ms = (performance.now() - started).toFixed(1)
    this.log(`${new Date().toISOString()} ${method} ${path} ${outcome} ${ms}ms ${requestId}`)
  }

  // ---- emulator-only inspection endpoints ----

  private inspect(req: IncomingMessage, path: string, body: string): Reply {
    const allowed: Record<string, string> = {'/__emulator/users': 'GET', '/__emulator/health': 'GET', '/__emulator/faults': 'POST'}
    const method = allowed[path]
    if (!method) return err(404, 'not_found', `No such emulator endpoint: ${path}`)
    if (req.method !== method) return err(405, 'method_not_allowed', `Use ${method} for ${path}`, {allow: method})
    if (path === '/__emulator/health') return ok({ok: true})
    if (path === '/__emulator/users') return ok(this.users())
    try {
      this.setFaults(body)
    } catch (error) {
      return err(400, 'invalid_fault_spec', (error as Error).message)
    }
    return {status: 204}
  }

  // ---- body helpers ----

  private form(ctx: Ctx): Record<string, string> | Reply {
    if (mediaType(ctx.req) !== 'application/x-www-form-urlencoded') {
      return err(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
    }
    const form: Record<string, string> = {}
    // First occurrence wins: a repeated field must not silently override an earlier one.
    for (const [k, v] of new URLSearchParams(ctx.body)) if (!Object.hasOwn(form, k)) form[k] = v
    ctx.record.form = form
    return form
  }

  private json(ctx: Ctx): Record<string, unknown> | Reply {
    if (mediaType(ctx.req) !== 'application/json') return err(400, 'invalid_request', 'Content-Type must be application/json')
    let value: unknown
    try {
      value = JSON.parse(ctx.body)
    } catch {
      return err(400, 'invalid_request', 'Request body is not valid JSON')
    }
    ctx.record.json = value
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(400, 'invalid_request', 'Request body must be a JSON object')
    return value as Record<string, unknown>
  }

  /** Bearer check shared by every endpoint but /oauth/token: 401 for who you are, 403 for what you may do. */
  private bearer(ctx: Ctx, scope: string, kind: 'client' | 'user'): AccessToken | Reply {
    const h = ctx.req.headers.authorization
    if (!h) return err(401, 'unauthorized', 'Missing Authorization: Bearer token')
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h)
    if (!m) return err(401, 'unauthorized', 'Authorization header must be "Bearer <token>"')
    const token = this.store.accessTokens.get(m[1])
    if (!token) return err(401, 'invalid_token', 'Access token is unknown or revoked')
    if (token.expiresAt <= this.now()) {
      this.store.accessTokens.delete(m[1])
      return err(401, 'token_expired', 'Access token has expired')
    }
    if (token.kind === 'user' && !this.store.getUser(token.userId!)) {
      return err(401, 'invalid_token', 'Access token belongs to a deleted user')
    }
    if (!token.scopes.has(scope)) return err(403, 'insufficient_scope', `Access token lacks the scope ${scope}`)
    if (token.kind !== kind) {
      return err(403, 'wrong_token_type', kind === 'user' ? 'This endpoint needs a user access token' : 'This endpoint needs a client access token')
    }
    return token
  }

  private issueAccess(kind: 'client' | 'user', clientId: string, scopes: string[], userId?: string): {token: string; ttl: number} {
    const token = newToken()
    const ttl = kind === 'client' ? this.clientTtl : this.userTtl
    this.store.accessTokens.set(token, {kind, clientId, userId, scopes: new Set(scopes), scope: scopes.join(','), expiresAt: this.now() + ttl * 1000})
    return {token, ttl}
  }

  // ---- Tink endpoints ----

  private token(ctx: Ctx): Reply {
    const form = this.form(ctx)
    if (isReply(form)) return form
    const {client_id: clientId, client_secret: secret, grant_type: grantType} = form
    if (!clientId || !secret) return err(400, 'invalid_request', 'client_id and client_secret are required')
    const client = this.clients.get(clientId)
    if (!client || client.secret !== secret) return err(401, 'invalid_client', 'Unknown client or wrong client secret')
    if (!grantType) return err(400, 'invalid_request', 'grant_type is required')

    if (grantType === 'client_credentials') {
      const asked = form.scope === undefined ? client.scopes : splitScopes(form.scope)
      const granted = asked.filter((s) => client.scopeSet.has(s))
      if (granted.length === 0) {
        return err(400, 'invalid_scope', asked.length === 0 ? 'scope is empty' : `Client may not use any of the scopes: ${asked.join(',')}`)
      }
      const {token, ttl} = this.issueAccess('client', client.id, granted)
      return ok({access_token: token, token_type: 'bearer', expires_in: ttl, scope: granted.join(',')})
    }

    if (grantType === 'authorization_code') {
      if (!form.code) return err(400, 'invalid_request', 'code is required for grant_type=authorization_code')
      const code = this.store.codes.get(form.code)
      if (!code) return err(400, 'invalid_grant', 'Authorization code is unknown or was already used')
      if (code.expiresAt <= this.now()) {
        this.store.codes.delete(form.code)
        return err(400, 'invalid_grant', 'Authorization code has expired')
      }
      // Not consumed: a code leaked to the wrong client must not be burnt by it.
      if (code.clientId !== client.id) return err(400, 'invalid_grant', 'Authorization code was issued to another client')
      this.store.codes.delete(form.code)
      if (!this.store.getUser(code.userId)) return err(400, 'invalid_grant', 'The user of this authorization code no longer exists')
      return this.userTokens(client.id, code.userId, code.scope, code.idHint)
    }

    if (grantType === 'refresh_token') {
      if (!form.refresh_token) return err(400, 'invalid_request', 'refresh_token is required for grant_type=refresh_token')
      const rt = this.store.refreshTokens.get(form.refresh_token)
      if (!rt) return err(400, 'invalid_grant', 'Refresh token is unknown or was already used')
      if (rt.clientId !== client.id) return err(400, 'invalid_grant', 'Refresh token was issued to another client')
      this.store.refreshTokens.delete(form.refresh_token)
      if (!this.store.getUser(rt.userId)) return err(400, 'invalid_grant', 'The user of this refresh token no longer exists')
      return this.userTokens(client.id, rt.userId, rt.scope, rt.idHint)
    }

    return err(400, 'unsupported_grant_type', `Unsupported grant_type "${grantType}"; use client_credentials, authorization_code or refresh_token`)
  }

  private userTokens(clientId: string, userId: string, scope: string, idHint: string | undefined): Reply {
    const {token, ttl} = this.issueAccess('user', clientId, scope.split(','), userId)
    const refresh = newToken()
    this.store.refreshTokens.set(refresh, {clientId, userId, scope, idHint})
    const body: Record<string, unknown> = {access_token: token, token_type: 'bearer', expires_in: ttl, refresh_token: refresh, scope}
    if (idHint !== undefined) body.id_hint = idHint
    return ok(body)
  }

  private grant(ctx: Ctx, delegate: boolean): Reply {
    const auth = this.bearer(ctx, 'authorization:grant', 'client')
    if (isReply(auth)) return auth
    const form = this.form(ctx)
    if (isReply(form)) return form
    const client = this.clients.get(auth.clientId)!
    const userId = form.user_id || undefined
    const externalId = form.external_user_id || undefined
    if ((userId === undefined) === (externalId === undefined)) {
      return err(400, 'invalid_request', 'Give exactly one of user_id and external_user_id')
    }
    if (!form.scope) return err(400, 'invalid_request', 'scope is required')
    const scopes = splitScopes(form.scope)
    const denied = scopes.filter((s) => !client.scopeSet.has(s))
    if (scopes.length === 0 || denied.length > 0) {
      return err(400, 'invalid_scope', scopes.length === 0 ? 'scope is empty' : `Client may not grant the scopes: ${denied.join(',')}`)
    }
    const idHint = form.id_hint || undefined
    let actor = client.id
    if (delegate) {
      if (!idHint) return err(400, 'invalid_request', 'id_hint is required for a delegated grant')
      if (!form.actor_client_id) return err(400, 'invalid_request', 'actor_client_id is required for a delegated grant')
      actor = form.actor_client_id
    }
    if (idHint !== undefined && !isLatin1(idHint)) return err(400, 'invalid_request', 'id_hint may only contain ISO-8859-1 characters')
    const user = userId !== undefined ? this.store.getUser(userId) : this.store.findByExternal(client.id, externalId!)
    // Another app's user is reported as missing: Tink does not reveal users across apps.
    if (!user || user.client_id !== client.id) return err(404, 'user_not_found', 'User not found')
    const code = newHexId()
    this.store.codes.set(code, {
      clientId: actor,
      userId: user.user_id,
      scope: scopes.join(','),
      idHint,
      expiresAt: this.now() + CODE_TTL_MS,
      delegated: delegate,
      issuer: client.id,
    })
    return ok({code})
  }

  private createUser(ctx: Ctx): Reply {
    const auth = this.bearer(ctx, 'user:create', 'client')
    if (isReply(auth)) return auth
    const key = ctx.req.headers['idempotency-key']
    if (typeof key !== 'string' || key === '') return this.createUserInner(ctx, auth.clientId)
    if (key.length > 255) return err(400, 'invalid_request', 'Idempotency-Key is longer than 255 characters')
    const slot = `${auth.clientId}\0${key}`
    const prior = this.store.idempotency.get(slot)
    if (prior && prior.expiresAt > this.now()) {
      if (prior.body !== ctx.body) {
        return err(422, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body')
      }
      return {status: prior.status, body: prior.response, headers: {'idempotent-replayed': 'true'}}
    }
    const reply = this.createUserInner(ctx, auth.clientId)
    this.store.idempotency.set(slot, {body: ctx.body, status: reply.status, response: reply.body ?? '', expiresAt: this.now() + IDEMPOTENCY_TTL_MS})
    return reply
  }

  private createUserInner(ctx: Ctx, clientId: string): Reply {
    const body = this.json(ctx)
    if (isReply(body)) return body
    const {external_user_id: ext, market, locale} = body
    const retention = body.retention_class ?? 'PERMANENT'
    if (ext !== undefined && ext !== null && (typeof ext !== 'string' || ext === '')) {
      return err(400, 'invalid_request', 'external_user_id must be a non-empty string')
    }
    if (!isMarket(market)) return err(400, 'invalid_market', `market must be an upper-case ISO 3166-1 alpha-2 country code, got ${JSON.stringify(market)}`)
    if (!isLocale(locale)) return err(400, 'invalid_locale', `locale must look like en_US (language_COUNTRY), got ${JSON.stringify(locale)}`)
    if (retention !== 'PERMANENT' && retention !== 'TEMPORARY') {
      return err(400, 'invalid_retention_class', `retention_class must be PERMANENT or TEMPORARY, got ${JSON.stringify(retention)}`)
    }
    const external = typeof ext === 'string' ? ext : undefined
    if (external !== undefined && this.store.findByExternal(clientId, external)) {
      return err(409, 'user_already_exists', `A user with external_user_id ${JSON.stringify(external)} already exists`)
    }
    const now = this.now()
    const user: UserRecord = {
      user_id: newHexId(),
      ...(external !== undefined ? {external_user_id: external} : {}),
      market,
      locale,
      retention_class: retention,
      created_at: new Date(now).toISOString(),
      client_id: clientId,
      ...(retention === 'TEMPORARY' ? {expires_at: now + TEMPORARY_USER_TTL_MS} : {}),
    }
    this.store.createUser(user)
    if (this.opts.demoData) this.connect(user.user_id, market)
    return ok(external !== undefined ? {user_id: user.user_id, external_user_id: external} : {user_id: user.user_id})
  }

  private deleteUser(ctx: Ctx): Reply {
    const auth = this.bearer(ctx, 'user:delete', 'user')
    if (isReply(auth)) return auth
    this.store.deleteUser(auth.userId!)
    return {status: 204}
  }
  // ---- bank data (what Tink Link connections produce) ----

  /** One new Demo Bank connection for the user, drawn from the seed's next connection PRNG. */
  private connect(userId: string, market: string): string {
    const rand = connectionPrng(this.dataSeed, this.connections++)
    return connectDemoBank(this.store.dataOf(userId), rand, userId, market, this.now()).id
  }

  private revokeAll(ctx: Ctx): Reply {
    const auth = this.bearer(ctx, 'authorization:revoke', 'client')
    if (isReply(auth)) return auth
    const form = this.form(ctx)
    if (isReply(form)) return form
    const userId = form.user_id || undefined
    const externalId = form.external_user_id || undefined
    if ((userId === undefined) === (externalId === undefined)) {
      return err(400, 'invalid_request', 'Give exactly one of user_id and external_user_id')
    }
    const user = userId !== undefined ? this.store.getUser(userId) : this.store.findByExternal(auth.clientId, externalId!)
    if (!user || user.client_id !== auth.clientId) return err(404, 'user_not_found', 'User not found')
    this.store.revokeTokens(user.user_id)
    return {status: 204}
  }

  /** The user token's user, for the data endpoints (bearer() already checked it exists). */
  private userOf(ctx: Ctx, scope: string): UserRecord | Reply {
    const auth = this.bearer(ctx, scope, 'user')
    if (isReply(auth)) return auth
    return this.store.getUser(auth.userId!)!
  }

  private profileOf(u: UserRecord): Record<string, string> {
    return {locale: u.locale, market: u.market, currency: currencyOf(u.market), timeZone: TIME_ZONES[u.market] ?? 'Europe/Stockholm'}
  }

  private getUser(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'user:read')
    if (isReply(u)) return u
    return ok({
      appId: u.client_id,
      created: Date.parse(u.created_at),
      ...(u.external_user_id !== undefined ? {externalUserId: u.external_user_id} : {}),
      flags: [],
      id: u.user_id,
      nationalId: '',
      profile: this.profileOf(u),
      username: '',
    })
  }

  private getProfile(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'user:read')
    if (isReply(u)) return u
    return ok(this.profileOf(u))
  }

  private listCredentials(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'credentials:read')
    if (isReply(u)) return u
    return ok({credentials: (this.store.userData.get(u.user_id)?.credentials ?? []).map(credentialsJson)})
  }

  private providerConsents(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'provider-consents:read')
    if (isReply(u)) return u
    const data = this.store.userData.get(u.user_id)
    const providerConsents = (data?.credentials ?? []).map((c) => ({
      credentialsId: c.id,
      providerName: c.providerName,
      status: c.status,
      statusUpdated: c.statusUpdated,
      sessionExpiryDate: c.sessionExpiryDate,
      accountIds: data!.accounts.filter((a) => a.credentialsId === c.id).map((a) => a.id),
    }))
    return ok({providerConsents})
  }

  private listAccounts(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'accounts:read')
    if (isReply(u)) return u
    // A user has a handful of accounts: one page, so nextPageToken is always "" (Tink's last page).
    return ok({accounts: (this.store.userData.get(u.user_id)?.accounts ?? []).map(accountJson), nextPageToken: ''})
  }

  private balances(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'balances:read')
    if (isReply(u)) return u
    const account = this.store.userData.get(u.user_id)?.accounts.find((a) => a.id === ctx.params[0])
    if (!account) return err(404, 'not_found', 'Account not found')
    return ok({accountId: account.id, refreshed: new Date(account.refreshed).toISOString(), balances: balancesJson(account)})
  }

  private pageToken(userId: string, filter: string, offset: number): string {
    const sig = createHmac('sha256', this.pageKey).update(`${userId}\0${filter}\0${offset}`).digest('base64url').slice(0, 22)
    return Buffer.from(`${offset}.${sig}`).toString('base64url')
  }

  private listTransactions(ctx: Ctx): Reply {
    const u = this.userOf(ctx, 'transactions:read')
    if (isReply(u)) return u
    const q = ctx.query
    const sizeText = q.get('pageSize')
    const pageSize = sizeText === null ? DEFAULT_PAGE_SIZE : Number(sizeText)
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      return err(400, 'invalid_request', `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(sizeText)}`)
    }
    // accountIdIn may be repeated or comma-separated; bookedDate bounds are inclusive dates.
    const accountIds = new Set(q.getAll('accountIdIn').flatMap((v) => v.split(',')).filter((v) => v !== ''))
    const gte = q.get('bookedDateGte') ?? ''
    const lte = q.get('bookedDateLte') ?? ''
    for (const [name, v] of [['bookedDateGte', gte], ['bookedDateLte', lte]] as const) {
      if (v !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return err(400, 'invalid_request', `${name} must be a date like 2025-03-01, got ${JSON.stringify(v)}`)
    }
    // The filter is part of the token's signature: a token only continues the listing it came from.
    const filter = `${[...accountIds].sort().join(',')}|${gte}|${lte}`
    let offset = 0
    const tokenText = q.get('pageToken')
    if (tokenText !== null && tokenText !== '') {
      const decoded = Buffer.from(tokenText, 'base64url').toString('utf8')
      const n = Number(decoded.slice(0, decoded.indexOf('.')))
      if (!Number.isInteger(n) || n < 0 || this.pageToken(u.user_id, filter, n) !== tokenText) {
        return err(400, 'invalid_request', 'pageToken is unknown, or belongs to another user or other filters')
      }
      offset = n
    }
    const all = (this.store.userData.get(u.user_id)?.transactions ?? []).filter(
      (t) => (accountIds.size === 0 || accountIds.has(t.accountId)) && (gte === '' || t.bookedDate >= gte) && (lte === '' || t.bookedDate <= lte),
    )
    const page = all.slice(offset, offset + pageSize)
    const next = offset + pageSize < all.length ? this.pageToken(u.user_id, filter, offset + pageSize) : ''
    return ok({transactions: page.map(transactionJson), nextPageToken: next})
  }

  // ---- Tink Link ----

  private isRegisteredRedirect(uri: string): boolean {
    return isLoopbackRedirect(uri) || this.redirectUris.has(uri)
  }

  private link(ctx: Ctx): Reply {
    const flow = ctx.params[0]
    const q = ctx.query
    const trackingId = randomUUID()
    const locale = q.get('locale') ?? undefined
    const html = (status: number, body: string): Reply => ({status, body, contentType: HTML_CT})
    // Where Tink Link cannot send the user back, it shows the error itself.
    const page = (reason: string, message: string, status = 400): Reply =>
      html(status, renderErrorPage({error: 'BAD_REQUEST', reason, message, trackingId, locale}))

    if (!isLinkFlow(flow)) return page('UNKNOWN_FLOW', `There is no Tink Link flow "${flow}".`, 404)
    const clientId = q.get('client_id')
    if (!clientId) return page('INVALID_PARAMETER_CLIENT_ID', 'The client_id parameter is missing.')
    if (!this.clients.has(clientId)) return page('INVALID_PARAMETER_CLIENT_ID', `The client_id "${clientId}" is not a known app.`)
    const redirectUri = q.get('redirect_uri')
    if (!redirectUri) return page('INVALID_PARAMETER_REDIRECT_URI', 'The redirect_uri parameter is missing.')
    if (!URL.canParse(redirectUri)) return page('INVALID_PARAMETER_REDIRECT_URI', `The redirect_uri "${redirectUri}" is malformed.`)
    if (!this.isRegisteredRedirect(redirectUri)) {
      return page('INVALID_STATE_REDIRECT_URI', `The redirect_uri "${redirectUri}" is not registered for the app ${clientId}.`)
    }

    const state = q.get('state') ?? undefined
    const back = (params: Record<string, string | undefined>): Reply => {
      const target = new URL(redirectUri)
      for (const [k, v] of Object.entries({...params, state})) if (v !== undefined) target.searchParams.set(k, v)
      return {status: 303, headers: {location: target.toString()}}
    }
    const bad = (reason: string, message: string): Reply => back({error: 'BAD_REQUEST', error_reason: reason, message, tracking_id: trackingId})

    const market = q.get('market') ?? undefined
    if (market !== undefined && !isMarket(market)) return bad('INVALID_PARAMETER_MARKET', `The market "${String(market)}" is not valid.`)
    if (locale !== undefined && !isLocale(locale)) return bad('INVALID_PARAMETER_LOCALE', `The locale "${String(locale)}" is not valid.`)
    const inputProvider = q.get('input_provider')
    if (inputProvider !== null && inputProvider.length > 100) return bad('INVALID_PARAMETER_INPUT_PROVIDER', 'input_provider is longer than 100 characters.')
    const inputUsername = q.get('input_username')
    if (inputUsername !== null && inputUsername.length > 50) return bad('INVALID_PARAMETER_INPUT_USERNAME', 'input_username is longer than 50 characters.')
    const products = q.get('products') ?? undefined
    if (flow.startsWith('products/')) {
      if (!products) return bad('INVALID_PARAMETER_PRODUCTS', `The flow ${flow} needs the products parameter.`)
      const unknown = products.split(',').filter((p) => !LINK_PRODUCTS.has(p))
      if (unknown.length > 0) return bad('INVALID_PARAMETER_PRODUCTS', `Unknown products: ${unknown.join(',')}.`)
    }

    const codeText = q.get('authorization_code') ?? undefined
    let user: UserRecord | undefined
    if (codeText !== undefined) {
      const code = this.store.codes.get(codeText)
      const invalid = (why: string): Reply => bad('INVALID_PARAMETER_AUTHORIZATION_CODE', `The authorization_code ${why}.`)
      if (!code) return invalid('is unknown or was already used')
      if (code.expiresAt <= this.now()) return invalid('has expired')
      // Only a delegated grant for Tink Link's own client id, minted by this app, starts a flow.
      if (!code.delegated || code.clientId !== TINK_LINK_CLIENT_ID) return invalid(`was not minted by authorization-grant/delegate for actor ${TINK_LINK_CLIENT_ID}`)
      if (code.issuer !== clientId) return invalid('was issued to another app')
      user = this.store.getUser(code.userId)
      if (!user) return invalid('belongs to a user that no longer exists')
    } else if (needsAuthorizationCode(flow)) {
      return bad('INVALID_PARAMETER_AUTHORIZATION_CODE', `The flow ${flow} is for permanent users: it needs authorization_code.`)
    }

    const credentialsId = q.get('credentials_id') ?? undefined
    if (NEEDS_CREDENTIALS.has(flow) && !credentialsId) return bad('INVALID_PARAMETER_CREDENTIALS_ID', `The flow ${flow} needs credentials_id.`)
    const existing = credentialsId === undefined ? undefined : this.store.userData.get(user?.user_id ?? '')?.credentials.find((c) => c.id === credentialsId)
    if (credentialsId !== undefined && NEEDS_CREDENTIALS.has(flow) && !existing) {
      return bad('INVALID_PARAMETER_CREDENTIALS_ID', `The user has no credentials with id "${credentialsId}".`)
    }

    const rawUrl = ctx.req.url ?? ''
    const action = rawUrl
    const idHint = codeText !== undefined ? this.store.codes.get(codeText)?.idHint : undefined
    if (ctx.req.method === 'GET') return html(200, renderChooser({flow, action, locale, idHint}))

    // POST: the bank was chosen.
    const choice = new URLSearchParams(ctx.body).get('bank') ?? undefined
    if (!isBankChoice(choice)) return html(400, renderChooser({flow, action, locale, idHint, problem: 'Choose a bank to continue.'}))
    // The connection consumes the delegated code, whatever the bank answers.
    if (codeText !== undefined) this.store.codes.delete(codeText)
    return this.linkOutcome({flow, choice, clientId, user, existing: existing?.id, market, locale, products, trackingId, back})
  }

  private linkOutcome(o: {
    flow: LinkFlowName
    choice: BankChoice
    clientId: string
    user: UserRecord | undefined
    existing: string | undefined
    market: string | undefined
    locale: string | undefined
    products: string | undefined
    trackingId: string
    back: (params: Record<string, string | undefined>) => Reply
  }): Reply {
    const now = this.now()
    const data = o.user ? this.store.dataOf(o.user.user_id) : undefined
    const existing = o.existing === undefined ? undefined : data?.credentials.find((c) => c.id === o.existing)
    if (o.choice === 'demo-cancel') {
      return o.back({error: 'USER_CANCELLED', error_reason: 'USER_CANCELLED', message: 'You cancelled the connection to your bank.', tracking_id: o.trackingId, provider_name: DEMO_PROVIDER})
    }
    if (o.choice === 'demo-auth-error' || o.choice === 'demo-temporary-error') {
      const status = o.choice === 'demo-auth-error' ? 'AUTHENTICATION_ERROR' : 'TEMPORARY_ERROR'
      // A permanent user keeps the failed credentials (Tink sends their id as `credentials`).
      let credentials: string | undefined
      if (data && o.user) {
        const failed = existing ?? newCredentials(connectionPrng(this.dataSeed, this.connections++), o.user.user_id, now, status)
        if (existing) Object.assign(existing, {status, statusUpdated: now, updated: now})
        else data.credentials.push(failed)
        credentials = failed.id
      }
      return o.back(
        status === 'AUTHENTICATION_ERROR'
          ? {error: 'AUTHENTICATION_ERROR', error_reason: 'USER_LOGIN_ERROR', error_type: 'STATIC_CREDENTIALS_INCORRECT', message: 'The bank did not accept your login details.', tracking_id: o.trackingId, credentials, provider_name: DEMO_PROVIDER}
          : {error: 'TEMPORARY_ERROR', error_reason: 'BANK_SERVICE_UNAVAILABLE', error_type: 'PROVIDER_ERROR', message: 'Your bank is temporarily unavailable. Try again later.', tracking_id: o.trackingId, credentials, provider_name: DEMO_PROVIDER},
      )
    }

    // Success. One-time flows (no delegated code) get a temporary user of the app.
    let user = o.user
    if (!user) {
      user = {
        user_id: newHexId(),
        market: o.market ?? 'GB',
        locale: o.locale ?? 'en_GB',
        retention_class: 'TEMPORARY',
        created_at: new Date(now).toISOString(),
        client_id: o.clientId,
        expires_at: now + TEMPORARY_USER_TTL_MS,
      }
      this.store.createUser(user)
    }
    if (!this.store.getUser(user.user_id)) {
      return o.back({error: 'INTERNAL_ERROR', error_reason: 'INTERNAL_ERROR', message: 'The user was deleted during the flow.', tracking_id: o.trackingId})
    }
    let credentialsId: string
    if (existing) {
      // update/extend consent renews the 90-day session; refresh/authenticate refresh the status.
      Object.assign(existing, {status: 'UPDATED', statusUpdated: now, updated: now, statusPayload: 'Analyzed 2 accounts from Demo Bank.'})
      if (o.flow.endsWith('-consent')) existing.sessionExpiryDate = now + SESSION_MS
      for (const a of this.store.dataOf(user.user_id).accounts) if (a.credentialsId === existing.id) a.refreshed = now
      credentialsId = existing.id
    } else {
      credentialsId = this.connect(user.user_id, o.market ?? user.market)
    }
    let reportId: string | undefined
    if (makesReport(o.flow, o.products)) {
      reportId = newHexId()
      this.store.dataOf(user.user_id).reports.set(reportId, credentialsId)
    }
    let code: string | undefined
    if (!o.user) {
      code = newHexId()
      this.store.codes.set(code, {clientId: o.clientId, userId: user.user_id, scope: DATA_SCOPES, expiresAt: now + CODE_TTL_MS, issuer: o.clientId})
    }
    return o.back({code, credentials_id: credentialsId, account_verification_report_id: reportId})
  }

}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = new Emulator(opts)
  await emu.listen()
  return emu
}

export {isLoopback}
