/**
 * The factory every API command receives: IO streams, the settings resolver, and lazily built
 * HTTP client and Tink API. Tests and commands build it the same way; nothing reads globals
 * after construction.
 */
import type {Readable, Writable} from 'node:stream'
import {CliError, ExitCode, interrupted, usageError} from './errors.js'
import {HttpClient, type HttpClientOptions} from './http.js'
import {defaultsLayer, envLayer, ENV_VARS, SettingsResolver, valuesLayer, type SettingKey, type SettingsLayer} from './settings.js'
import {TinkApi, type ClientCredentials, type TokenCache} from './tink.js'
import {checkBaseUrl, checkRegion, checkTimeout, REGIONS} from './validate.js'

export interface IO {
  stdin: Readable & {isTTY?: boolean}
  stdout: Writable & {isTTY?: boolean}
  stderr: Writable & {isTTY?: boolean}
  env: NodeJS.ProcessEnv
}

export function processIO(): IO {
  return {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env}
}

export interface GlobalFlags {
  region?: string
  'base-url'?: string
  'link-base-url'?: string
  'client-id'?: string
  'client-secret-stdin'?: boolean
  'allow-insecure-http'?: boolean
  timeout?: string
  retries?: number
  verbose?: boolean
  /** Command flags that are also profile settings (filled from the profile when not given). */
  market?: string
  locale?: string
  'redirect-uri'?: string
}

export interface ContextOptions {
  io: IO
  flags: GlobalFlags
  version: string
  signal?: AbortSignal
  /** Layers between env and built-in defaults (profiles, keychain). */
  profileLayers?: SettingsLayer[]
  tokenCache?: TokenCache
  /** Message shown when no credentials are found anywhere. */
  missingCredentialsHint?: string
}

export class Context {
  readonly io: IO
  readonly settings: SettingsResolver
  readonly verbose: boolean
  readonly signal?: AbortSignal
  private readonly flags: GlobalFlags
  private readonly version: string
  private readonly options: ContextOptions
  private stdinUsed?: string
  private readonly stdinValues: Partial<Record<SettingKey, string>> = {}
  private client?: HttpClient
  private tinkApi?: TinkApi
  private baseUrlPromise?: Promise<string>

  constructor(options: ContextOptions) {
    this.options = options
    this.io = options.io
    this.flags = options.flags
    this.version = options.version
    this.signal = options.signal
    this.verbose = Boolean(options.flags.verbose)
    this.settings = new SettingsResolver([
      valuesLayer('stdin', this.stdinValues),
      valuesLayer('flag', {
        clientId: options.flags['client-id'],
        region: options.flags.region,
        baseUrl: options.flags['base-url'],
        linkBaseUrl: options.flags['link-base-url'],
        market: options.flags.market,
        locale: options.flags.locale,
        redirectUri: options.flags['redirect-uri'],
      }),
      envLayer(options.io.env),
      ...(options.profileLayers ?? []),
      defaultsLayer(),
    ])
  }

  trace(line: string): void {
    if (this.verbose) this.io.stderr.write(line + '\n')
  }

  /** Reads all of stdin once; a second reader (e.g. a secret and a code both from stdin) is a usage error. */
  async readStdin(purpose: string): Promise<string> {
    if (this.stdinUsed) throw usageError(`Standard input is already used for ${this.stdinUsed}; cannot also read ${purpose} from it`, `Give ${purpose} another way`)
    this.stdinUsed = purpose
    if (this.io.stdin.isTTY) this.io.stderr.write(`Reading ${purpose} from standard input (end with Ctrl-D)...\n`)
    const value = (await readAll(this.io.stdin, this.signal)).replace(/\r?\n$/, '')
    if (!value.trim()) throw usageError(`Nothing on standard input for ${purpose}`, `Pipe ${purpose} in, e.g. printf '%s' "$VALUE" | tink ...`)
    if (/[\r\n]/.test(value.trim())) throw usageError(`Standard input for ${purpose} has more than one line`, 'Pipe exactly one value')
    return value.trim()
  }

  /** --client-secret-stdin: must run before the first settings lookup (the resolver memoises). */
  async loadSecretFromStdin(): Promise<void> {
    this.stdinValues.clientSecret = await this.readStdin('the client secret')
  }

  async setting(key: SettingKey): Promise<string | undefined> {
    const r = await this.settings.get(key)
    if (r) this.trace(`* ${key} from ${r.origin}`)
    return r?.value
  }

  baseUrl(): Promise<string> {
    this.baseUrlPromise ??= this.resolveBaseUrl()
    return this.baseUrlPromise
  }

  private async resolveBaseUrl(): Promise<string> {
    const allowHttp = Boolean(this.flags['allow-insecure-http'])
    // A bad region is bad input even when --base-url makes it moot for the API (the Tink Link
    // host still follows it): say so rather than silently ignore it.
    const region = await this.settings.get('region')
    const r = checkRegion(region?.value ?? 'eu', region?.origin)
    const explicit = await this.settings.get('baseUrl')
    if (explicit) {
      this.trace(`* API base URL from ${explicit.origin}`)
      return checkBaseUrl(explicit.value, explicit.origin, allowHttp)
    }
    this.trace(`* region ${r} from ${region?.origin ?? 'built-in default'}`)
    return REGIONS[r].api
  }

  async linkBaseUrl(): Promise<string> {
    const explicit = await this.settings.get('linkBaseUrl')
    if (explicit) return checkBaseUrl(explicit.value, explicit.origin, Boolean(this.flags['allow-insecure-http']))
    const region = await this.settings.get('region')
    return REGIONS[checkRegion(region?.value ?? 'eu', region?.origin)].link
  }

  timeoutMs(): number {
    return checkTimeout(this.flags.timeout ?? '30') * 1000
  }

  private credentialsPromise?: Promise<ClientCredentials>

  /** Client id and secret from the first layer that has each; exit 3 when either is missing. */
  credentials(): Promise<ClientCredentials> {
    this.credentialsPromise ??= this.resolveCredentials()
    return this.credentialsPromise
  }

  private async resolveCredentials(): Promise<ClientCredentials> {
    const id = await this.settings.get('clientId')
    const secret = await this.settings.get('clientSecret')
    if (!id || !secret) {
      const missing = [!id && `client id (${ENV_VARS.clientId})`, !secret && `client secret (${ENV_VARS.clientSecret})`].filter(Boolean).join(' and ')
      throw new CliError(`No ${missing} found`, {
        exitCode: ExitCode.AUTH,
        code: 'missing_credentials',
        hint: this.options.missingCredentialsHint ?? `Set ${ENV_VARS.clientId} and ${ENV_VARS.clientSecret}, or pass --client-id and pipe the secret to --client-secret-stdin`,
      })
    }
    this.trace(`* client id from ${id.origin}; client secret from ${secret.origin}`)
    return {clientId: id.value, clientSecret: secret.value}
  }

  /**
   * The run's one HTTP client. Bulk commands pass `tuning` on the first call (more connections, a
   * shared throttle, their own abort signal so in-flight rows can settle after Ctrl-C).
   */
  async http(tuning: Partial<Pick<HttpClientOptions, 'connections' | 'throttle' | 'signal' | 'retries' | 'backoffBaseMs'>> = {}): Promise<HttpClient> {
    if (!this.client) {
      const baseUrl = await this.baseUrl()
      this.client = new HttpClient({
        baseUrl,
        timeoutMs: this.timeoutMs(),
        retries: this.flags.retries ?? 3,
        userAgent: `tink-auth-cli/${this.version} node/${process.version}`,
        trace: this.verbose ? (line) => this.io.stderr.write(line + '\n') : undefined,
        signal: this.signal,
        ...tuning,
      })
    }
    return this.client
  }

  async api(): Promise<TinkApi> {
    if (!this.tinkApi) {
      const http = await this.http()
      this.tinkApi = new TinkApi({
        http,
        credentials: () => this.credentials(),
        cache: this.options.tokenCache,
        trace: (line) => this.trace(line),
      })
    }
    return this.tinkApi
  }

  /** Settle everything that is resolved up front, so bad input fails before any request. */
  async preflight(opts: {needsCredentials: boolean}): Promise<void> {
    this.timeoutMs()
    await this.baseUrl()
    if (opts.needsCredentials) await this.credentials()
  }

  async close(): Promise<void> {
    await this.client?.close()
  }
}

/**
 * All of `stream` as UTF-8, or an interruption as soon as `signal` aborts: a pipe that never
 * closes (a forgotten `cat`, a stuck producer) must not make tink deaf to Ctrl-C and SIGTERM.
 */
function readAll(stream: Readable, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted())
    if (stream.readableEnded) return resolve('')
    const chunks: Buffer[] = []
    const onData = (chunk: Buffer | string): void => {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    }
    const cleanup = (): void => {
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onError)
      signal?.removeEventListener('abort', onAbort)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks).toString('utf8'))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(err)
    }
    const onAbort = (): void => {
      cleanup()
      // Nothing else reads stdin: let go of it, or its open handle would keep the process alive.
      stream.destroy()
      reject(interrupted())
    }
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', onError)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
