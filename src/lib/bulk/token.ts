/**
 * One client token for all bulk workers. It plugs into TinkApi as its TokenCache, so every
 * operation keeps its usual code path: a worker that finds no fresh token does not fetch one of
 * its own but joins the single fetch in flight (single flight), and the token is renewed once,
 * a minute before it runs out (TinkApi's isFresh margin), not once per worker.
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

  constructor(
    private readonly fetchToken: () => Promise<TokenResult>,
    private readonly now: () => number = Date.now,
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
}
