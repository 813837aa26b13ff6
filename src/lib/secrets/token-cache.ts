/**
 * The client-token cache: one entry per (client id, API base URL, sorted scope set), kept in the
 * secret store of the profile the credentials belong to (keychain or the --insecure-storage
 * file), never in the config file; credentials that belong to no profile (env or flags) are not
 * cached. Freshness and cacheability rules live in tink/token-cache.ts.
 *
 * A cache is an optimisation: if the store fails, the command goes on without it (a --verbose
 * trace line says so). The credential lookup, not the cache, reports a broken keychain.
 *
 * Secret stores cannot list (keytar's listing crashes on a locked keyring), so each namespace
 * keeps an index item naming its token accounts; `profile status`, `token clear` and profile
 * removal read that. Two processes caching new scope sets at the same instant can lose an index
 * entry: that token is then only left to expire (client tokens live about 30 minutes).
 */
import {createHash} from 'node:crypto'
import {accounts, type SecretStore} from './keychain.js'
import type {TokenCache, TokenResult} from '../tink/api.js'

export interface CacheTarget {
  store: SecretStore
  namespace: string
}

interface Entry {
  key: string
  token: TokenResult
}

export interface CachedTokenInfo {
  clientId: string
  baseUrl: string
  scope: string
  expiresAt?: string
  /** User tokens: "user_id:ID" or "external_user_id:ID" (TinkApi's userKeyPart); client tokens: none. */
  user?: string
}

export function tokenAccount(namespace: string, key: string): string {
  return accounts.tokenPrefix(namespace) + createHash('sha256').update(key).digest('hex')
}

const DIGEST = /^[0-9a-f]{64}$/

/** The namespace's token accounts. Only well-formed ones count: the index decides what clear deletes. */
export async function readTokenIndex(store: SecretStore, namespace: string, unreadable: () => void = () => {}): Promise<string[]> {
  const raw = await store.get(accounts.tokenIndex(namespace))
  if (!raw) return []
  const prefix = accounts.tokenPrefix(namespace)
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed)) {
    unreadable()
    return []
  }
  return [...new Set(parsed.filter((a): a is string => typeof a === 'string' && a.startsWith(prefix) && DIGEST.test(a.slice(prefix.length))))]
}

async function writeTokenIndex(store: SecretStore, namespace: string, list: string[]): Promise<void> {
  if (list.length) await store.set(accounts.tokenIndex(namespace), JSON.stringify(list))
  else await store.delete(accounts.tokenIndex(namespace))
}

export class SecretTokenCache implements TokenCache {
  /**
   * In-process copy: a bulk run calls get() once per row, and a keychain read is a D-Bus round
   * trip. The store is read at most once per key per process (promises, so concurrent rows share it).
   */
  private readonly memo = new Map<string, Promise<TokenResult | undefined>>()
  /** Index updates in this process run one after another (read-modify-write). */
  private indexQueue: Promise<void> = Promise.resolve()

  constructor(
    /** Picks the store for a client id; undefined = do not cache for this client. */
    private readonly target: (clientId: string) => CacheTarget | undefined,
    private readonly trace: (line: string) => void = () => {},
  ) {}

  private where(key: string): CacheTarget | undefined {
    return this.target(key.split('|')[0] ?? '')
  }

  get(key: string): Promise<TokenResult | undefined> {
    let hit = this.memo.get(key)
    if (!hit) {
      hit = this.read(key)
      this.memo.set(key, hit)
    }
    return hit
  }

  private async read(key: string): Promise<TokenResult | undefined> {
    const t = this.where(key)
    if (!t) return undefined
    let raw: string | undefined
    try {
      raw = await t.store.get(tokenAccount(t.namespace, key))
    } catch (err) {
      this.trace(`* token cache unavailable (${(err as Error).message}); continuing without it`)
      return undefined
    }
    if (!raw) return undefined
    let entry: Partial<Entry> | undefined
    try {
      entry = JSON.parse(raw) as Partial<Entry>
    } catch {
      entry = undefined // not the parser's message: it would quote the entry, a token
    }
    // The hash could in theory collide; the stored key makes a mismatch harmless.
    if (entry?.key === key && entry.token && typeof entry.token.access_token === 'string') return entry.token
    if (typeof entry?.key !== 'string' || entry.key === key) this.trace('* a cached token could not be read; getting a new one (it replaces the entry)')
    return undefined
  }

  async set(key: string, token: TokenResult): Promise<void> {
    this.memo.set(key, Promise.resolve(token))
    const t = this.where(key)
    if (!t) return
    try {
      const entry: Entry = {key, token}
      const account = tokenAccount(t.namespace, key)
      await t.store.set(account, JSON.stringify(entry))
      await this.updateIndex(t, (list) => (list.includes(account) ? undefined : [...list, account]))
      const kind = key.split('|').length > 4 ? 'user' : 'client'
      this.trace(`* cached ${kind} token in ${t.store.where} until ${token.expires_at}`)
    } catch (err) {
      this.trace(`* could not cache the token (${(err as Error).message})`)
    }
  }

  /** `change` returns the new list, or undefined when nothing changes (no write). */
  private updateIndex(t: CacheTarget, change: (list: string[]) => string[] | undefined): Promise<void> {
    const run = this.indexQueue.then(async () => {
      const next = change(await readTokenIndex(t.store, t.namespace, () => this.trace("* the token cache's index could not be read; starting a new one")))
      if (next) await writeTokenIndex(t.store, t.namespace, next)
    })
    this.indexQueue = run.catch(() => {})
    return run
  }

  async delete(key: string): Promise<void> {
    this.memo.set(key, Promise.resolve(undefined))
    const t = this.where(key)
    if (!t) return
    try {
      const account = tokenAccount(t.namespace, key)
      await t.store.delete(account)
      await this.updateIndex(t, (list) => (list.includes(account) ? list.filter((a) => a !== account) : undefined))
    } catch (err) {
      this.trace(`* could not drop the cached token (${(err as Error).message})`)
    }
  }

  async deleteWhere(clientId: string, match: (key: string) => boolean): Promise<number> {
    const t = this.target(clientId)
    if (!t) return 0
    let n = 0
    let index: string[]
    try {
      index = await readTokenIndex(t.store, t.namespace)
    } catch (err) {
      this.trace(`* token cache unavailable (${(err as Error).message}); cached tokens not dropped`)
      return 0
    }
    for (const account of index) {
      const raw = await t.store.get(account)
      let key: string | undefined
      try {
        key = raw ? (JSON.parse(raw) as Partial<Entry>).key : undefined
      } catch {
        key = undefined
      }
      if (typeof key === 'string' && match(key)) {
        await this.delete(key)
        n++
      }
    }
    return n
  }
}

/** Where a token value sits in one namespace's cache, for `token inspect` (undefined = not there). */
export async function findCachedToken(store: SecretStore, namespace: string, accessToken: string): Promise<CachedTokenInfo | undefined> {
  for (const account of await readTokenIndex(store, namespace)) {
    const value = await store.get(account)
    if (!value) continue
    try {
      const entry = JSON.parse(value) as Entry
      if (entry.token.access_token === accessToken) return infoOf(entry)
    } catch {
      // unreadable entries are skipped
    }
  }
  return undefined
}

function infoOf(entry: Entry): CachedTokenInfo {
  // TinkApi.cacheKey: client id | secret digest | base URL | sorted scopes [| user]
  const [clientId = '', , baseUrl = '', scope = '', ...rest] = entry.key.split('|')
  const user = rest.join('|') // an external id may hold '|'
  return {clientId, baseUrl, scope, expiresAt: entry.token.expires_at, ...(user ? {user} : {})}
}

/** Cached tokens of one namespace, for `profile status` (never the token itself). */
export async function listCachedTokens(store: SecretStore, namespace: string): Promise<CachedTokenInfo[]> {
  const out: CachedTokenInfo[] = []
  for (const account of await readTokenIndex(store, namespace)) {
    const value = await store.get(account)
    if (!value) continue // gone (or a locked keychain answering nothing)
    try {
      out.push(infoOf(JSON.parse(value) as Entry))
    } catch {
      // an entry we cannot read is skipped; token clear removes it
    }
  }
  return out
}

/** Deletes every cached token of a namespace and its index; returns how many tokens. Errors propagate (token clear reports them). */
export async function clearCachedTokens(store: SecretStore, namespace: string): Promise<number> {
  let n = 0
  for (const account of await readTokenIndex(store, namespace)) {
    if (await store.delete(account)) n++
  }
  await store.delete(accounts.tokenIndex(namespace))
  return n
}
