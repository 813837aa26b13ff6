/**
 * The factory every command body receives (as the GitHub CLI's cmdutil.Factory): wiring only.
 * It builds, once each and on first use, the parts a run needs: the printer (cli/output.ts),
 * standard input (cli/stdin.ts), the settings resolver and its rules (cli/run-settings.ts), the
 * profile store, the HTTP client and the Tink API. Nothing here reads process globals: tests
 * build it on a test IO and get the same behaviour.
 */
import {ProfileStore} from '../config/profiles.js'
import {defaultsLayer, envLayer, SettingsResolver, valuesLayer, type SettingKey, type SettingsLayer} from '../config/settings.js'
import type {ExitCodeValue} from '../errors/cli-error.js'
import {HttpClient, proxyFromEnv, type HttpClientOptions} from '../http/client.js'
import {TinkApi} from '../tink/api.js'
import type {Interrupt} from './interrupt.js'
import type {IO} from './io.js'
import {Printer} from './output.js'
import {profileSetup, type ProfileSetup} from './profile-setup.js'
import {RunSettings} from './run-settings.js'
import {Stdin} from './stdin.js'

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

export type HttpTuning = Partial<Pick<HttpClientOptions, 'connections' | 'throttle' | 'signal' | 'wait' | 'retries' | 'backoffBaseMs'>>

export class Factory {
  readonly io: IO
  readonly flags: GlobalFlags
  readonly json: boolean
  readonly verbose: boolean
  readonly interrupt: Interrupt
  /** Aborts on Ctrl-C or SIGTERM: what every request, wait and read in flight listens to. */
  readonly signal: AbortSignal
  readonly version: string
  readonly print: Printer
  readonly stdin: Stdin
  readonly run: RunSettings
  private readonly options: FactoryOptions
  private readonly stdinValues: Partial<Record<SettingKey, string>> = {}
  private store?: ProfileStore
  private setup?: ProfileSetup | null
  private resolver?: SettingsResolver
  private client?: HttpClient
  /** Clients built with their own tuning (a bulk run's): closed with the run. */
  private readonly tuned: HttpClient[] = []
  private tinkApi?: TinkApi

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
    this.print = new Printer(this.io, this.json, this.verbose)
    this.stdin = new Stdin(this.io.stdin, this.io.stderr, this.signal)
    this.run = new RunSettings({
      settings: () => this.settings(),
      allowInsecureHttp: Boolean(this.flags['allow-insecure-http']),
      timeout: this.flags.timeout,
      profile: () => {
        const setup = this.profile()
        return setup && {name: setup.profile?.name, missingCredentialsHint: setup.missingCredentialsHint}
      },
      trace: (line) => this.print.trace(line),
      note: (line) => this.print.note(line),
    })
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
            credentialFlags: {
              clientId: Boolean(this.flags['client-id']?.trim()),
              clientSecret: Boolean(this.flags['client-secret-stdin']),
              target: Boolean(this.flags['base-url'] || this.flags.region),
            },
            env: this.io.env,
            warn: (line) => this.print.warnLine(line),
            trace: (line) => this.print.trace(line),
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

  /** --client-secret-stdin: read before the command body, so the first settings lookup sees it. */
  async loadSecretFromStdin(): Promise<void> {
    this.stdinValues.clientSecret = await this.stdin.value('the client secret')
  }

  /**
   * The run's HTTP client; with `tuning` (a bulk run: more connections, a shared throttle, its own
   * abort signal so in-flight rows can settle after Ctrl-C) a client of its own, built with it.
   */
  async http(tuning: HttpTuning = {}): Promise<HttpClient> {
    const tuned = Object.values(tuning).some((v) => v !== undefined)
    if (!tuned && this.client) return this.client
    const baseUrl = await this.run.baseUrl()
    const client = new HttpClient({
      baseUrl,
      timeoutMs: this.run.timeoutMs(),
      retries: this.flags.retries ?? 3,
      userAgent: `tink-auth-cli/${this.version} node/${process.version}`,
      trace: this.verbose ? (line) => this.print.trace(line) : undefined,
      // Every wait tink chooses is announced, terminal or not: a CI log is not a terminal. A bulk
      // run announces its shared pauses itself, never one per row.
      announce: tuned ? undefined : (line) => this.print.note(line),
      // A slow answer only on a terminal: a script's stderr is a log, where the error line says enough.
      slow: this.io.stderr.isTTY ? (line) => this.print.note(line) : undefined,
      signal: this.signal,
      proxy: proxyFromEnv(this.io.env),
      ...tuning,
    })
    if (tuned) this.tuned.push(client)
    else this.client = client
    return client
  }

  /**
   * The parts a bulk run (src/lib/services/user/bulk.ts) builds its own clients and API from:
   * it tunes each HTTP client itself and shares one client token between its workers.
   */
  bulkDeps() {
    return {
      io: this.io,
      signal: this.signal,
      run: this.run,
      http: (tuning: HttpTuning) => this.http(tuning),
      userTokens: this.profile()?.tokenCache,
      print: this.print,
    }
  }

  async api(): Promise<TinkApi> {
    if (!this.tinkApi) {
      const http = await this.http()
      this.tinkApi = new TinkApi({
        http,
        credentials: () => this.run.credentials(),
        cache: this.profile()?.tokenCache,
        trace: (line) => this.print.trace(line),
      })
    }
    return this.tinkApi
  }

  async close(): Promise<void> {
    const clients = [this.client, ...this.tuned].filter((c): c is HttpClient => c !== undefined)
    await Promise.all(clients.map((c) => c.close()))
  }
}
