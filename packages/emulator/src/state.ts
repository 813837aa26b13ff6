import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {writeFileAtomic} from './atomic-write.js'

export interface UserRecord {
  user_id: string
  external_user_id?: string
  market: string
  locale: string
  retention_class: 'PERMANENT' | 'TEMPORARY'
  created_at: string
  /** Tink users belong to the app that created them; another client cannot see them. */
  client_id: string
  /** TEMPORARY users disappear after 24 h, as on the live service (ms, emulator clock). */
  expires_at?: number
}

export interface AccessToken {
  kind: 'client' | 'user'
  clientId: string
  userId?: string
  scopes: ReadonlySet<string>
  scope: string
  expiresAt: number
}

export interface RefreshToken {
  clientId: string
  userId: string
  scope: string
  idHint?: string
}

export interface AuthCode {
  /** The client allowed to exchange it: the caller, or the actor of a delegated grant. */
  clientId: string
  userId: string
  scope: string
  idHint?: string
  expiresAt: number
  /** Minted by the delegate endpoint: only such a code may start a continuous-access Tink Link flow. */
  delegated?: boolean
  /** The app whose grant endpoint minted it (for a delegated code, clientId is the actor). */
  issuer?: string
}

/** A bank connection ("credentials" in Tink's v1 API). Times are epoch ms, as Tink sends them. */
export interface CredentialsRecord {
  id: string
  userId: string
  providerName: string
  type: 'THIRD_PARTY_APP'
  status: 'UPDATED' | 'AUTHENTICATION_ERROR' | 'TEMPORARY_ERROR'
  statusUpdated: number
  statusPayload: string
  updated: number
  sessionExpiryDate: number
}

export interface AccountRecord {
  id: string
  credentialsId: string
  name: string
  type: 'CHECKING' | 'SAVINGS'
  currency: string
  /** Minor units (scale 2). */
  bookedMinor: number
  availableMinor: number
  iban: string
  refreshed: number
}

export interface TransactionRecord {
  id: string
  accountId: string
  /** Minor units (scale 2), negative for money out. */
  amountMinor: number
  currency: string
  description: string
  /** YYYY-MM-DD */
  bookedDate: string
  category: string
}

/** What a user's bank connections produced; read by the data endpoints. */
export interface UserData {
  credentials: CredentialsRecord[]
  accounts: AccountRecord[]
  /** Newest first, the order Tink's /data/v2/transactions answers in. */
  transactions: TransactionRecord[]
  /** Account verification report id -> credentials id (Account Check flows). */
  reports: Map<string, string>
}

/** An events v2 webhook endpoint (Tink's WebhookEndpoint), owned by the client that created it. */
export interface WebhookRecord {
  id: string
  client_id: string
  url: string
  enabledEvents: string[]
  disabled: boolean
  description?: string
  createdAt: string
  updatedAt: string
  /** Signs deliveries; Tink shows it only in the answer to create. */
  secret: string
}

export interface IdempotencyRecord {
  body: string
  status: number
  response: string
  expiresAt: number
}

export const CODE_TTL_MS = 10 * 60 * 1000
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000
export const TEMPORARY_USER_TTL_MS = 24 * 60 * 60 * 1000

export const newToken = (): string => randomBytes(32).toString('base64url')
/** Tink's user ids and codes are 32 lower-case hex characters. */
export const newHexId = (): string => randomBytes(16).toString('hex')

const STATE_VERSION = 1
const PERSIST_DEBOUNCE_MS = 50
const MAX_DEBOUNCE_MS = 5000

/**
 * All mutable emulator state. Lookups check expiry lazily against the injected
 * clock so tests can move time; `sweep()` drops dead entries so long runs
 * (benchmarks, demos) do not grow without bound.
 */
export class Store {
  readonly users = new Map<string, UserRecord>()
  /** `${clientId}\0${external_user_id}` -> user_id */
  private readonly byExternal = new Map<string, string>()
  readonly accessTokens = new Map<string, AccessToken>()
  readonly refreshTokens = new Map<string, RefreshToken>()
  readonly codes = new Map<string, AuthCode>()
  readonly idempotency = new Map<string, IdempotencyRecord>()
  /** Persisted with the users, secrets included: deliveries after a restart must still verify. */
  readonly webhooks = new Map<string, WebhookRecord>()
  /** In memory only: the state file keeps users, not their bank data. */
  readonly userData = new Map<string, UserData>()

  private persistTimer: NodeJS.Timeout | undefined
  /** Grows with the cost of the last write so a big user table does not eat the CPU. */
  private debounceMs = PERSIST_DEBOUNCE_MS
  private writing: Promise<void> | undefined
  private dirty = false

  constructor(
    private readonly now: () => number,
    private readonly stateFile?: string,
  ) {
    if (stateFile) this.load(stateFile)
  }

  private load(file: string): void {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new Error(`emulator state file ${file} cannot be read: ${(error as Error).message}`)
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (error) {
      throw new Error(`emulator state file ${file} is corrupt (not valid JSON: ${(error as Error).message}); fix it or move it away, it was left untouched`)
    }
    const users = (data as {users?: unknown} | null)?.users
    if (typeof data !== 'object' || data === null || !Array.isArray(users)) {
      throw new Error(`emulator state file ${file} is corrupt (expected {"version":1,"users":[...]}); fix it or move it away, it was left untouched`)
    }
    for (const u of users as UserRecord[]) {
      if (typeof u?.user_id !== 'string' || typeof u.client_id !== 'string' || typeof u.market !== 'string') {
        throw new Error(`emulator state file ${file} is corrupt (a user entry lacks user_id/client_id/market); fix it or move it away, it was left untouched`)
      }
      this.addUser(u)
    }
    const hooks = (data as {webhookEndpoints?: unknown}).webhookEndpoints ?? []
    if (!Array.isArray(hooks))
      throw new Error(`emulator state file ${file} is corrupt (webhookEndpoints is not a list); fix it or move it away, it was left untouched`)
    for (const w of hooks as WebhookRecord[]) {
      if (
        typeof w?.id !== 'string' ||
        typeof w.client_id !== 'string' ||
        typeof w.url !== 'string' ||
        typeof w.secret !== 'string' ||
        !Array.isArray(w.enabledEvents)
      ) {
        throw new Error(
          `emulator state file ${file} is corrupt (a webhook endpoint lacks id/client_id/url/secret/enabledEvents); fix it or move it away, it was left untouched`,
        )
      }
      this.webhooks.set(w.id, w)
    }
  }

  /** Webhook endpoints changed: persist them as users are persisted. */
  webhooksChanged(): void {
    this.schedulePersist()
  }

  private schedulePersist(): void {
    if (!this.stateFile) return
    this.dirty = true
    this.persistTimer ??= setTimeout(() => {
      this.persistTimer = undefined
      void this.flush()
    }, this.debounceMs)
  }

  /** Write users now (tmp file + rename, so a crash never leaves half a file). */
  async flush(): Promise<void> {
    if (!this.stateFile) return
    if (this.persistTimer) {
      clearTimeout(this.persistTimer)
      this.persistTimer = undefined
    }
    // Serialise writes: two renames racing could put an older snapshot last.
    while (this.writing) await this.writing
    if (!this.dirty) return
    this.dirty = false
    const file = this.stateFile
    const started = performance.now()
    const body = JSON.stringify({version: STATE_VERSION, users: [...this.users.values()], webhookEndpoints: [...this.webhooks.values()]}, null, 1) + '\n'
    this.writing = (async () => {
      writeFileAtomic(file, body)
      this.debounceMs = Math.min(MAX_DEBOUNCE_MS, Math.max(PERSIST_DEBOUNCE_MS, 5 * (performance.now() - started)))
    })().finally(() => {
      this.writing = undefined
    })
    await this.writing
  }

  private addUser(u: UserRecord): void {
    this.users.set(u.user_id, u)
    if (u.external_user_id !== undefined) this.byExternal.set(`${u.client_id}\0${u.external_user_id}`, u.user_id)
  }

  createUser(u: UserRecord): void {
    this.addUser(u)
    this.schedulePersist()
  }

  /** A live user, or undefined (unknown, deleted, expired TEMPORARY). */
  getUser(userId: string): UserRecord | undefined {
    const u = this.users.get(userId)
    if (u && u.expires_at !== undefined && u.expires_at <= this.now()) {
      this.deleteUser(userId)
      return undefined
    }
    return u
  }

  findByExternal(clientId: string, externalId: string): UserRecord | undefined {
    const id = this.byExternal.get(`${clientId}\0${externalId}`)
    return id === undefined ? undefined : this.getUser(id)
  }

  deleteUser(userId: string): void {
    const u = this.users.get(userId)
    if (!u) return
    this.users.delete(userId)
    if (u.external_user_id !== undefined) this.byExternal.delete(`${u.client_id}\0${u.external_user_id}`)
    // Tokens and codes are checked against user existence on use; drop them now
    // too so nothing for this user lingers in memory.
    for (const [k, t] of this.accessTokens) if (t.userId === userId) this.accessTokens.delete(k)
    for (const [k, t] of this.refreshTokens) if (t.userId === userId) this.refreshTokens.delete(k)
    for (const [k, c] of this.codes) if (c.userId === userId) this.codes.delete(k)
    this.userData.delete(userId)
    this.schedulePersist()
  }

  /** revoke-all: every access and refresh token of the user stops working; later ones work. */
  revokeTokens(userId: string): void {
    for (const [k, t] of this.accessTokens) if (t.userId === userId) this.accessTokens.delete(k)
    for (const [k, t] of this.refreshTokens) if (t.userId === userId) this.refreshTokens.delete(k)
  }

  dataOf(userId: string): UserData {
    let d = this.userData.get(userId)
    if (!d) {
      d = {credentials: [], accounts: [], transactions: [], reports: new Map()}
      this.userData.set(userId, d)
    }
    return d
  }

  liveUsers(): UserRecord[] {
    const now = this.now()
    const out: UserRecord[] = []
    for (const u of this.users.values()) if (u.expires_at === undefined || u.expires_at > now) out.push(u)
    return out
  }

  sweep(): void {
    const now = this.now()
    for (const [k, t] of this.accessTokens) if (t.expiresAt <= now) this.accessTokens.delete(k)
    for (const [k, c] of this.codes) if (c.expiresAt <= now) this.codes.delete(k)
    for (const [k, r] of this.idempotency) if (r.expiresAt <= now) this.idempotency.delete(k)
    for (const u of [...this.users.values()]) if (u.expires_at !== undefined && u.expires_at <= now) this.deleteUser(u.user_id)
  }
}
