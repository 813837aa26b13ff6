import {createHmac, randomBytes, randomUUID} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {BUILTIN_CLIENT, TINK_CONSOLE_REDIRECT_URIS} from './clients.js'
import {type ClientEntry, type Core, type Ctx, err, JSON_CT, type RecordedRequest, type Reply} from './context.js'
import {connectDemoBank, connectionPrng} from './demo-data.js'
import {
  type FaultEndpoint,
  type FaultSpec,
  FAULT_ENDPOINTS,
  injected,
  makePrng,
  parseFaultSpec,
  type ResolvedFaults,
  resolveFaults,
  validateFaultSpec,
} from './faults.js'
import {RateLimiter, Stats} from './rate-limit.js'
import {adminReply} from './routes/admin.js'
import {connectivityRoutes} from './routes/connectivity.js'
import {dataRoutes} from './routes/data.js'
import {linkRoutes} from './routes/link.js'
import {oauthRoutes} from './routes/oauth.js'
import {userRoutes} from './routes/users.js'
import {Router} from './router.js'
import {type AccessToken, newToken, Store} from './state.js'
import {isTinkScope} from './tables/scopes.js'

import type {EmulatorOptions, EmulatorUser, RunningEmulator} from './options.js'
import {adminEvent, type EventRequest} from './routes/admin-events.js'
import {webhookRoutes} from './routes/webhooks.js'
import type {UserRecord} from './state.js'
import {Deliveries} from './webhook-delivery.js'
import {connectionEvents} from './webhook-events.js'

export type {RecordedRequest} from './context.js'
export type {EmulatorOptions, EmulatorUser, RunningEmulator} from './options.js'
export {isLoopback} from './loopback.js'

const DEFAULT_RECORD_CAP = 100_000
const MAX_BODY = 1024 * 1024
const SWEEP_MS = 60_000
const DEFAULT_CLIENT_TTL_S = 1800
const DEFAULT_USER_TTL_S = 7200

const DEFAULT_WEBHOOK_RETRY_MS = 5000

class Emulator implements RunningEmulator, Core {
  url = ''
  port = 0
  readonly requests: RecordedRequest[] = []
  readonly store: Store
  readonly clients = new Map<string, ClientEntry>()
  readonly now: () => number
  readonly demoData: boolean
  readonly redirectUris: ReadonlySet<string>

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
  private readonly router: Router
  /** Demo data follows the seed: connection n of a run draws from connectionPrng(seed, n). */
  private readonly dataSeed: number
  private connections = 0
  /** Signs page tokens, so a token the emulator did not issue is a 400, as on Tink. */
  private readonly pageKey = randomBytes(32)
  private readonly limiter: RateLimiter
  private readonly seen = new Stats()
  private readonly webhookDeliveries: Deliveries

  constructor(private readonly opts: EmulatorOptions) {
    this.now = opts.now ?? Date.now
    this.store = new Store(this.now, opts.stateFile)
    this.prng = makePrng(opts.seed ?? (Math.random() * 2 ** 32) >>> 0)
    this.dataSeed = opts.seed ?? (Math.random() * 2 ** 32) >>> 0
    this.demoData = opts.demoData ?? false
    for (const uri of opts.redirectUris ?? []) {
      if (!URL.canParse(uri)) throw new Error(`redirect URI "${uri}" is not an absolute URL`)
    }
    this.redirectUris = new Set([...TINK_CONSOLE_REDIRECT_URIS, ...(opts.redirectUris ?? [])])
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
      const unknown = c.scopes.filter((s) => !isTinkScope(s))
      if (unknown.length > 0) throw new Error(`client "${c.id}" has unknown scopes: ${unknown.join(', ')}`)
      this.clients.set(c.id, {...c, scopes: [...c.scopes], scopeSet: new Set(c.scopes)})
    }
    this.setFaults(opts.faults)
    this.limiter = new RateLimiter(undefined, this.now)
    this.limiter.set(opts.rateLimit)
    this.webhookDeliveries = new Deliveries(checkRetryMs(opts.webhookRetryMs ?? DEFAULT_WEBHOOK_RETRY_MS), (id) => this.store.webhooks.get(id), this.log)
    this.router = new Router([
      ...oauthRoutes(this),
      ...userRoutes(this),
      ...dataRoutes(this),
      ...connectivityRoutes(this),
      ...linkRoutes(this),
      ...webhookRoutes(this),
    ])

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

  get registeredRedirectUris(): string[] {
    return [...this.redirectUris]
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

  setRateLimit(perSecond: number | undefined): void {
    this.limiter.set(perSecond)
  }

  get rateLimit(): number | undefined {
    return this.limiter.limit
  }

  stats(): {requests: number; byStatus: Record<string, number>} {
    return this.seen.json()
  }

  get deliveries(): RunningEmulator['deliveries'] {
    return this.webhookDeliveries.attempts
  }

  setWebhookRetryMs(ms: number): void {
    this.webhookDeliveries.firstRetryMs = checkRetryMs(ms)
  }

  emitEvent(req: EventRequest): number {
    return this.emit(req.user, req.event, req.content)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.sweepTimer)
    await this.webhookDeliveries.close()
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()))
    // close() alone waits for idle keep-alive sockets to time out; tests need the process to exit now.
    this.server.closeAllConnections()
    await done
    await this.store.flush()
  }

  // ---- Core: what route modules use ----

  bearer(ctx: Ctx, scopes: string | readonly string[], kind: 'client' | 'user' | 'any'): AccessToken | Reply {
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
    if (token.kind === 'user' && !this.store.getUser(token.userId!)) return err(401, 'invalid_token', 'Access token belongs to a deleted user')
    const anyOf = typeof scopes === 'string' ? [scopes] : scopes
    if (!anyOf.some((s) => token.scopes.has(s))) return err(403, 'insufficient_scope', `Access token lacks the scope ${anyOf.join(' or ')}`)
    if (kind !== 'any' && token.kind !== kind) {
      return err(403, 'wrong_token_type', kind === 'user' ? 'This endpoint needs a user access token' : 'This endpoint needs a client access token')
    }
    return token
  }

  issueAccess(kind: 'client' | 'user', clientId: string, scopes: string[], userId?: string): {token: string; ttl: number} {
    const token = newToken()
    const ttl = kind === 'client' ? this.clientTtl : this.userTtl
    this.store.accessTokens.set(token, {kind, clientId, userId, scopes: new Set(scopes), scope: scopes.join(','), expiresAt: this.now() + ttl * 1000})
    return {token, ttl}
  }

  nextConnectionPrng(): () => number {
    return connectionPrng(this.dataSeed, this.connections++)
  }

  connect(userId: string, market: string): string {
    const data = this.store.dataOf(userId)
    const c = connectDemoBank(data, this.nextConnectionPrng(), userId, market, this.now())
    const user = this.store.getUser(userId)
    if (user) connectionEvents((u, e, content) => this.emit(u, e, content), user, data, c, true, this.now())
    return c.id
  }

  /** Queues the event for the enabled endpoints of the user's app subscribed to it; returns how many. */
  emit(user: UserRecord, event: string, content: Record<string, unknown>): number {
    const to = [...this.store.webhooks.values()].filter((w) => w.client_id === user.client_id && !w.disabled && w.enabledEvents.includes(event))
    if (to.length === 0 || this.closed) return 0
    const context = {userId: user.user_id, ...(user.external_user_id !== undefined ? {externalUserId: user.external_user_id} : {})}
    this.webhookDeliveries.send(to, event, {context, content, event})
    return to.length
  }

  sign(text: string): string {
    return createHmac('sha256', this.pageKey).update(text).digest('base64url').slice(0, 22)
  }

  // ---- request plumbing ----

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const requestId = randomUUID()
    const started = this.log ? performance.now() : 0

    if (path.startsWith('/__emulator/')) {
      this.readBody(req, (body) =>
        this.send(req, res, requestId, path === '/__emulator/events' ? adminEvent(this, req, body) : adminReply(this, req, path, body), undefined, started),
      )
      return
    }

    const record: RecordedRequest = {method: req.method ?? '', path, headers: req.headers as Record<string, string>, body: '', status: 0, at: this.now()}
    this.seen.requests++
    if (this.recordCap > 0) {
      // Drop the oldest tenth at once so trimming stays amortised O(1) per request.
      if (this.requests.length >= this.recordCap) this.requests.splice(0, Math.ceil(this.recordCap / 10))
      this.requests.push(record)
    }

    const {route, params} = this.router.find(path)
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
        const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))
        if (this.limiter.limit !== undefined) {
          const client = this.clientOf(req, body, query)
          const wait = this.limiter.take(client)
          if (wait !== undefined) {
            const msg = `Too many requests: the rate limit of ${this.limiter.limit} requests a second for ${client} is exceeded`
            return this.send(req, res, requestId, err(429, 'rate_limited', msg, {'retry-after': String(wait)}), record, started)
          }
        }
        if (pre !== undefined) return this.send(req, res, requestId, injected(pre, faults!), record, started)
        let reply: Reply
        if (!route) reply = err(404, 'not_found', `No such endpoint: ${req.method} ${path}`)
        else if (!route.methods.includes(req.method ?? '')) {
          const allow = route.methods.join(', ')
          reply = err(405, 'method_not_allowed', `Method ${req.method} is not allowed on ${path}; use ${allow}`, {allow})
        } else reply = route.handler({req, record, body, query, params})
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

  /** Whose bucket a request draws from: the client of its bearer token, of its form, or of its Link URL. */
  private clientOf(req: IncomingMessage, body: string, query: URLSearchParams): string {
    const m = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')
    const byToken = m ? this.store.accessTokens.get(m[1])?.clientId : undefined
    if (byToken) return byToken
    const byForm = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body).get('client_id') : null
    return byForm || query.get('client_id') || 'anonymous'
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
    this.seen.count(0)
    req.socket.resetAndDestroy()
    this.logLine(req.method ?? '', record.path, 'RESET', requestId, started)
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
    if (record) {
      record.status = reply.status
      this.seen.count(reply.status)
    }
    this.logLine(req.method ?? '', record?.path ?? req.url ?? '', String(reply.status), requestId, started)
  }

  private logLine(method: string, path: string, outcome: string, requestId: string, started: number): void {
    if (!this.log) return
    const ms = (performance.now() - started).toFixed(1)
    this.log(`${new Date().toISOString()} ${method} ${path} ${outcome} ${ms}ms ${requestId}`)
  }
}

function checkRetryMs(ms: number): number {
  if (!(Number.isInteger(ms) && ms >= 0)) throw new Error(`webhook retry interval must be a whole number of milliseconds, 0 or more, got ${ms}`)
  return ms
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = new Emulator(opts)
  await emu.listen()
  return emu
}
