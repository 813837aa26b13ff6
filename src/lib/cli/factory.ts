/**
 * The factory every command body receives (as the GitHub CLI's cmdutil.Factory): IO streams with
 * their TTY flags, the settings resolver with the origin of every value, and the run's HTTP
 * client, Tink API and profile store, each built once on first use. Nothing here reads
 * process globals: tests build it on a test IO and get the same behaviour.
 */
import type {Readable} from 'node:stream'
import {ProfileStore} from '../config/profiles.js'
import {defaultsLayer, envLayer, ENV_VARS, SettingsResolver, valuesLayer, type SettingKey, type SettingsLayer, type SettingSource} from '../config/settings.js'
import {CliError, ExitCode, interrupted, usageError, type ExitCodeValue} from '../errors/cli-error.js'
import {HttpClient, proxyFromEnv, type HttpClientOptions} from '../http/client.js'
import {TinkApi, type ClientCredentials} from '../tink/api.js'
import {checkBaseUrl, checkRegion, checkTimeoutMs, REGIONS} from '../tink/validate.js'
import type {Interrupt} from './interrupt.js'
import type {IO} from './io.js'
import {paint, sanitizeForTerminal, writeJson} from './output.js'
import {profileSetup, type ProfileSetup} from './profile-setup.js'

/** The flags every API command shares, and command flags that are also profile settings. */
export interface GlobalFlags {
  profile?: string
  region?: string
  'base-url'?: string
  'link-base-url'?: string
  'client-id'?: string
  'client-secret-stdin'?: boolean
  'allow-insecure-http'?: boolean
  timeout?: string
  retries?: number
  verbose?: boolean
  market?: string
  locale?: string
  'redirect-uri'?: string
}

/** What a command body returns: the value printed with --json, and the exit code (0 by default). */
export interface Outcome<R> {
  result?: R
  exitCode?: ExitCodeValue
}

export interface FactoryOptions {
  io: IO
  flags: GlobalFlags
  /** The package version (User-Agent). */
  version: string
  /** Whether --json is in effect: human output on stdout is then suppressed. */
  json: boolean
  /** Ctrl-C or SIGTERM, fired by the base command. */
  interrupt: Interrupt
  /** False for commands that manage profiles themselves (no profile layers, no token cache). */
  usesProfiles: boolean
  /** How --profile was given, for messages ("argument", "every profile in turn"). */
  profileOrigin?: string
  /** Shared with the factory this one was derived from (forProfile). */
  store?: ProfileStore
  /** Layers between env and the defaults instead of a profile's (login verifies what it is about to save). */
  layers?: SettingsLayer[]
}

export class Factory {
  readonly io: IO
  readonly flags: GlobalFlags
  readonly json: boolean
  readonly verbose: boolean
  readonly interrupt: Interrupt
  /** Aborts on Ctrl-C or SIGTERM: what every request, wait and read in flight listens to. */
  readonly signal: AbortSignal
  readonly version: string
  private readonly options: FactoryOptions
  private readonly stdinValues: Partial<Record<SettingKey, string>> = {}
  private stdinUsed?: string
  private store?: ProfileStore
  private setup?: ProfileSetup | null
  private resolver?: SettingsResolver
  private client?: HttpClient
  private tinkApi?: TinkApi
  private baseUrlPromise?: Promise<string>
  private credentialsPromise?: Promise<ClientCredentials>
  /** Where the client secret came from, once credentials() has resolved (for the 401 hint). */
  private secretSource?: SettingSource

  constructor(options: FactoryOptions) {
    this.options = options
    this.io = options.io
    this.flags = options.flags
    this.json = options.json
    this.verbose = Boolean(options.flags.verbose)
    this.interrupt = options.interrupt
    this.signal = options.interrupt.signal
    this.version = options.version
    this.store = options.store
  }

  /** The same run for another profile (profile status walks them all); shares IO, signal and the profiles file. */
  forProfile(name: string, origin: string): Factory {
    return new Factory({...this.options, flags: {...this.flags, profile: name}, usesProfiles: true, profileOrigin: origin, store: this.profiles()})
  }

  /** The same run resolving settings through `layers` instead of a profile, with only the network flags kept. */
  withLayers(layers: SettingsLayer[]): Factory {
    const {flags} = this
    const network = {'allow-insecure-http': flags['allow-insecure-http'], timeout: flags.timeout, retries: flags.retries, verbose: flags.verbose}
    return new Factory({...this.options, flags: network, usesProfiles: false, layers})
  }

  /** The config file, read with node:fs (cheap); conf loads only when something is written. */
  profiles(): ProfileStore {
    this.store ??= ProfileStore.load(this.io.env)
    return this.store
  }

  /** The profile this run uses (--profile > TINK_PROFILE > active), its layers and token cache. */
  profile(): ProfileSetup | undefined {
    if (this.setup === undefined) {
      this.setup = this.options.usesProfiles
        ? profileSetup({
            store: this.profiles(),
            flag: this.flags.profile,
            flagOrigin: this.options.profileOrigin,
            credentialFlags: {clientId: Boolean(this.flags['client-id']?.trim()), clientSecret: Boolean(this.flags['client-secret-stdin'])},
            env: this.io.env,
            warn: (line) => this.warnLine(line),
            trace: (line) => this.trace(line),
          })
        : null
    }
    return this.setup ?? undefined
  }

  /** flag/stdin > env > profile > built-in defaults; every value with where it came from. */
  settings(): SettingsResolver {
    if (!this.resolver) {
      const f = this.flags
      this.resolver = new SettingsResolver([
        valuesLayer('stdin', this.stdinValues),
        valuesLayer('flag', {
          clientId: f['client-id'],
          region: f.region,
          baseUrl: f['base-url'],
          linkBaseUrl: f['link-base-url'],
          market: f.market,
          locale: f.locale,
          redirectUri: f['redirect-uri'],
        }),
        envLayer(this.io.env),
        ...(this.options.layers ?? this.profile()?.layers ?? []),
        defaultsLayer(),
      ])
    }
    return this.resolver
  }

  trace(line: string): void {
    if (this.verbose) this.io.stderr.write(sanitizeForTerminal(line) + '\n')
  }

  /** Human output on stdout (suppressed with --json: the returned value is printed instead). */
  out(text: string): void {
    if (!this.json) this.io.stdout.write(sanitizeForTerminal(text) + '\n')
  }

  /** Messages for people: always stderr, never mixed into machine output. */
  note(text: string): void {
    this.io.stderr.write(sanitizeForTerminal(text) + '\n')
  }

  warnLine(text: string): void {
    this.io.stderr.write(paint(this.io.stderr, 'yellow', 'Warning: ', this.io.env) + sanitizeForTerminal(text) + '\n')
  }

  /** One JSON document on stdout. */
  printJson(value: unknown): void {
    writeJson(this.io.stdout, value)
  }

  /** Reads all of stdin once; a second reader (e.g. a secret and a code both from stdin) is a usage error. */
  async readStdin(purpose: string): Promise<string> {
    const value = (await this.readStdinText(purpose)).replace(/\r?\n$/, '')
    if (!value.trim()) throw usageError(`Nothing on standard input for ${purpose}`, `Pipe ${purpose} in, e.g. printf '%s' "$VALUE" | tink ...`)
    if (/[\r\n]/.test(value.trim())) throw usageError(`Standard input for ${purpose} has more than one line`, 'Pipe exactly one value')
    return value.trim()
  }

  /** All of stdin as it is (a request body: many lines allowed), read once like readStdin. */
  async readStdinText(purpose: string): Promise<string> {
    if (this.stdinUsed) throw usageError(`Standard input is already used for ${this.stdinUsed}; cannot also read ${purpose} from it`, `Give ${purpose} another way`)
    this.stdinUsed = purpose
    if (this.io.stdin.isTTY) this.io.stderr.write(`Reading ${purpose} from standard input (end with Ctrl-D)...\n`)
    return readAll(this.io.stdin, this.signal)
  }

  /** --client-secret-stdin: read before the command body, so the first settings lookup sees it. */
  async loadSecretFromStdin(): Promise<void> {
    this.stdinValues.clientSecret = await this.readStdin('the client secret')
  }

  /** A setting's value, traced with its origin for --verbose. */
  async setting(key: SettingKey): Promise<string | undefined> {
    const r = await this.settings().get(key)
    if (r) this.trace(`* ${key} from ${r.origin}`)
    return r?.value
  }

  baseUrl(): Promise<string> {
    this.baseUrlPromise ??= this.resolveBaseUrl()
    return this.baseUrlPromise
  }

  private async resolveBaseUrl(): Promise<string> {
    const settings = this.settings()
    // A bad region is bad input even when --base-url makes it moot for the API (the Tink Link
    // host still follows it): say so rather than silently ignore it.
    const region = await settings.get('region')
    const r = checkRegion(region?.value ?? 'eu', region?.origin)
    const explicit = await settings.get('baseUrl')
    if (explicit) {
      this.trace(`* API base URL from ${explicit.origin}`)
      return checkBaseUrl(explicit.value, explicit.origin, Boolean(this.flags['allow-insecure-http']))
    }
    this.trace(`* region ${r} from ${region?.origin ?? 'built-in default'}`)
    return REGIONS[r].api
  }

  /** How to fix credentials the API refused (401), named after where they came from. */
  private authHint(): string | undefined {
    const name = this.profile()?.profile?.name
    switch (this.secretSource) {
      case 'keychain':
      case 'file':
      case 'profile':
        return name ? `Check the client id and secret of profile "${name}" and its region; store the right secret with tink login ${name} --force` : undefined
      case 'stdin':
      case 'flag':
        return 'Check --client-id, the secret piped to --client-secret-stdin, and the region'
      case 'env':
        return `Check ${ENV_VARS.clientId}, ${ENV_VARS.clientSecret} and the region`
      default:
        return undefined
    }
  }

  /** What a destructive command will act on, for its confirmation prompt: `profile "eu-prod", API api.tink.com`. */
  async targetLabel(): Promise<string> {
    const name = this.profile()?.profile?.name
    const host = new URL(await this.baseUrl()).host
    return `${name ? `profile "${name}"` : 'no profile (credentials from flags or environment)'}, API ${host}`
  }

  async linkBaseUrl(): Promise<string> {
    const settings = this.settings()
    const explicit = await settings.get('linkBaseUrl')
    if (explicit) return checkBaseUrl(explicit.value, explicit.origin, Boolean(this.flags['allow-insecure-http']))
    const region = await settings.get('region')
    return REGIONS[checkRegion(region?.value ?? 'eu', region?.origin)].link
  }

  timeoutMs(): number {
    return checkTimeoutMs(this.flags.timeout ?? '30')
  }

  /** Client id and secret from the first layer that has each; exit 3 when either is missing. */
  credentials(): Promise<ClientCredentials> {
    this.credentialsPromise ??= this.resolveCredentials()
    return this.credentialsPromise
  }

  private async resolveCredentials(): Promise<ClientCredentials> {
    const settings = this.settings()
    const id = await settings.get('clientId')
    const secret = await settings.get('clientSecret')
    if (!id || !secret) {
      const missing = [!id && `client id (${ENV_VARS.clientId})`, !secret && `client secret (${ENV_VARS.clientSecret})`].filter(Boolean).join(' and ')
      throw new CliError(`No ${missing} found`, {
        exitCode: ExitCode.AUTH,
        code: 'missing_credentials',
        hint: this.profile()?.missingCredentialsHint ?? `Set ${ENV_VARS.clientId} and ${ENV_VARS.clientSecret}, or pass --client-id and pipe the secret to --client-secret-stdin`,
      })
    }
    this.trace(`* client id from ${id.origin}; client secret from ${secret.origin}`)
    this.secretSource = secret.source
    return {clientId: id.value, clientSecret: secret.value}
  }

  /**
   * The run's one HTTP client. Bulk commands pass `tuning` on the first call (more connections, a
   * shared throttle, their own abort signal so in-flight rows can settle after Ctrl-C).
   */
  async http(tuning: Partial<Pick<HttpClientOptions, 'connections' | 'throttle' | 'signal' | 'wait' | 'retries' | 'backoffBaseMs'>> = {}): Promise<HttpClient> {
    if (!this.client) {
      const baseUrl = await this.baseUrl()
      this.client = new HttpClient({
        baseUrl,
        timeoutMs: this.timeoutMs(),
        retries: this.flags.retries ?? 3,
        userAgent: `tink-auth-cli/${this.version} node/${process.version}`,
        trace: this.verbose ? (line) => this.trace(line) : undefined,
        authHint: () => this.authHint(),
        // On a terminal only: a script's stderr is a log, where the error line says enough.
        announce: this.io.stderr.isTTY ? (line) => this.note(line) : undefined,
        signal: this.signal,
        proxy: proxyFromEnv(this.io.env),
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
        cache: this.profile()?.tokenCache,
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
