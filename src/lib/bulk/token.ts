/**
 * One client token for all bulk workers. It plugs into TinkApi as its TokenCache, so every
 * operation keeps its usual code path: a worker that finds no fresh token does not fetch one of
 * its own but joins the single fetch in flight (single flight), and the token is renewed once,
 * a minute before it runs out (TinkApi's isFresh margin), not once per worker.
 * The users' tokens cached on disk or in the keychain are not here: a deleted user's are dropped
 * from that cache (TinkApi.deleteUser -> dropUser), gathered and dropped in one pass at the end
 * of the run (flushDrops), since each pass reads every cached entry.
 */
import {CliError, ExitCode} from '../errors/cli-error.js'
import {isFresh, type TokenCache, type TokenResult} from '../tink/api.js'

/** Lifetime assumed in memory for a token whose answer had no usable expires_in. */
const ASSUMED_LIFETIME_MS = 5 * 60_000

export class SharedClientToken implements TokenCache {
  private current?: TokenResult
  private inflight?: Promise<TokenResult>
  /** Successful token fetches: the tests and --verbose show it stays at one per lifetime. */
  fetches = 0
  /** Set when the token endpoint refused the client itself: no row can succeed after that. */
  credentialsRejected?: CliError

  /** Drops asked for during the run: per client id, the keys' tests of the deleted users. */
  private readonly drops = new Map<string, Array<(key: string) => boolean>>()

  constructor(
    private readonly fetchToken: () => Promise<TokenResult>,
    private readonly now: () => number = Date.now,
    /** The profile's token cache, where user tokens of deleted users must not outlive them. */
    private readonly userTokens?: TokenCache,
  ) {}

  async get(_key: string): Promise<TokenResult | undefined> {
    if (this.current && isFresh(this.current, this.now())) return this.current
    this.inflight ??= this.fetchToken()
      .then((token) => {
        this.fetches++
        // TinkApi only reuses tokens with an expiry; give one to a token that came without.
        const usable: TokenResult = token.expires_at ? token : {...token, expires_at: new Date(this.now() + ASSUMED_LIFETIME_MS).toISOString()}
        this.current = usable
        return usable
      })
      .catch((err: unknown) => {
        if (err instanceof CliError && err.exitCode === ExitCode.AUTH) this.credentialsRejected = err
        throw err
      })
      .finally(() => {
        this.inflight = undefined
      })
    return this.inflight
  }

  async set(_key: string, token: TokenResult): Promise<void> {
    if (token.expires_at) this.current = token
  }

  /** TinkApi calls this after a 401 on the shared token: the next get() fetches a new one. */
  async delete(_key: string): Promise<void> {
    this.current = undefined
  }

  /** A deleted user's cached tokens: noted now, dropped by flushDrops (resolves 0: not dropped yet). */
  async deleteWhere(clientId: string, match: (key: string) => boolean): Promise<number> {
    if (!this.userTokens?.deleteWhere) return 0
    const list = this.drops.get(clientId) ?? []
    list.push(match)
    this.drops.set(clientId, list)
    return 0
  }

  /** Drops every noted user's cached tokens in one pass per client; resolves how many. */
  async flushDrops(): Promise<number> {
    let n = 0
    for (const [clientId, matches] of this.drops) n += (await this.userTokens?.deleteWhere?.(clientId, (key) => matches.some((m) => m(key)))) ?? 0
    this.drops.clear()
    return n
  }
}
