/**
 * The base of every API command: the global flags, the Context factory, SIGINT handling, and the
 * single place where any error becomes an exit code and a one-line message (or a JSON error
 * document on stdout with --json). Commands only parse, call src/lib, and render.
 */
import {Command, Flags, Interfaces} from '@oclif/core'
import {Context, processIO, type GlobalFlags, type IO} from './context.js'
import {CliError, ExitCode, interrupted, toCliError} from './errors.js'
import {paint, writeJson} from './output.js'
import {profileSetup, ProfileStore, type ProfileSetup} from './profiles.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<typeof GLOBAL_FLAGS & T['flags']>

/** Every command's flags, unless it offers fewer (profile management takes no API flags). */
export const GLOBAL_FLAGS = {
  profile: Flags.string({
    char: 'p',
    description: 'Profile to use (see tink profile list). Env: TINK_PROFILE. Default: the active profile.',
    helpGroup: 'GLOBAL',
  }),
  region: Flags.string({
    description: 'Tink region: eu (api.tink.com) or us (api.us.tink.com). Env: TINK_REGION. Default: eu.',
    helpGroup: 'GLOBAL',
  }),
  'base-url': Flags.string({
    description: "API base URL; overrides the region's (proxies, the local emulator). Env: TINK_API_URL.",
    helpGroup: 'GLOBAL',
  }),
  'client-id': Flags.string({
    description: 'OAuth client id. Env: TINK_CLIENT_ID.',
    helpGroup: 'GLOBAL',
  }),
  'client-secret-stdin': Flags.boolean({
    description: 'Read the client secret from standard input (there is no flag that takes it as an argument). Env: TINK_CLIENT_SECRET.',
    helpGroup: 'GLOBAL',
  }),
  timeout: Flags.string({
    description: 'Seconds to wait for connecting, for response headers and between body chunks.',
    default: '30',
    helpGroup: 'GLOBAL',
  }),
  retries: Flags.integer({
    description: 'Retries on 429, 502, 503, 504 and network errors (exponential backoff, Retry-After honoured).',
    default: 3,
    min: 0,
    max: 10,
    helpGroup: 'GLOBAL',
  }),
  'allow-insecure-http': Flags.boolean({
    description: 'Allow plain http:// to a host that is not loopback (secrets would travel unencrypted).',
    helpGroup: 'GLOBAL',
  }),
  verbose: Flags.boolean({
    char: 'v',
    description: 'Trace HTTP requests and where each setting came from on stderr (secrets redacted).',
    helpGroup: 'GLOBAL',
  }),
}

export abstract class TinkCommand<T extends typeof Command = typeof Command> extends Command {
  static override enableJsonFlag = true

  // Typed as oclif's FlagInput so a command can offer a subset: flags it would ignore are refused.
  static override baseFlags: Interfaces.FlagInput = GLOBAL_FLAGS

  protected flags!: CommandFlags<T>
  protected args!: Interfaces.InferredArgs<T['args']>
  protected ctx!: Context
  protected io: IO = processIO()
  private readonly abort = new AbortController()
  private onSigint?: () => void

  /** Whether the command needs client credentials (most do); checked before any request. */
  protected needsCredentials = true

  override async init(): Promise<void> {
    await super.init()
    this.onSigint = () => {
      if (this.abort.signal.aborted) process.exit(ExitCode.INTERRUPTED)
      this.abort.abort()
    }
    process.on('SIGINT', this.onSigint)
    process.on('SIGTERM', this.onSigint)
    const {flags, args} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof TinkCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: withoutStdin(this.ctor.args),
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as Interfaces.InferredArgs<T['args']>
    this.ctx = this.createContext(this.flags as GlobalFlags)
    if (this.flags['client-secret-stdin']) await this.ctx.loadSecretFromStdin()
  }

  /** False for commands that manage profiles themselves (no profile layers, no token cache). */
  protected usesProfiles = true
  protected profile?: ProfileSetup
  private store?: ProfileStore

  /** The config file, read with node:fs (cheap); conf loads only when something is written. */
  protected get profiles(): ProfileStore {
    this.store ??= ProfileStore.load(this.io.env)
    return this.store
  }

  /** Builds the factory: profile layers between env and defaults, and the keychain token cache. */
  protected createContext(flags: GlobalFlags, opts: {profileOrigin?: string} = {}): Context {
    const base = {io: this.io, flags, version: this.config.version, signal: this.abort.signal}
    if (!this.usesProfiles) return new Context(base)
    let ctx: Context | undefined
    const trace = (line: string) => (flags.verbose ? this.io.stderr.write(line + '\n') : undefined)
    this.profile = profileSetup({
      store: this.profiles,
      flag: (flags as GlobalFlags & {profile?: string}).profile,
      flagOrigin: opts.profileOrigin,
      credentialFlags: {clientId: Boolean(flags['client-id']?.trim()), clientSecret: Boolean(flags['client-secret-stdin'])},
      env: this.io.env,
      warn: (line) => this.warnLine(line),
      trace,
      resolvedClientId: async () => ctx?.settings.value('clientId'),
    })
    ctx = new Context({
      ...base,
      profileLayers: this.profile.layers,
      tokenCache: this.profile.tokenCache,
      missingCredentialsHint: this.profile.missingCredentialsHint,
    })
    return ctx
  }

  protected get signal(): AbortSignal {
    return this.abort.signal
  }

  protected get json(): boolean {
    return this.jsonEnabled()
  }

  /** Human output on stdout (suppressed with --json: the returned value is printed instead). */
  protected out(text: string): void {
    if (!this.json) this.io.stdout.write(text + '\n')
  }

  /** Messages for people: always stderr, never mixed into machine output. */
  protected note(text: string): void {
    this.io.stderr.write(text + '\n')
  }

  protected warnLine(text: string): void {
    this.io.stderr.write(paint(this.io.stderr, 'yellow', 'Warning: ') + text + '\n')
  }

  override logJson(json: unknown): void {
    writeJson(this.io.stdout, json)
  }

  override async catch(err: unknown): Promise<void> {
    let error = toCliError(err)
    if (this.abort.signal.aborted && error.exitCode !== ExitCode.USAGE) error = interrupted()
    if ((err as {name?: string})?.name === 'ExitPromptError') error = interrupted()
    process.exitCode = error.exitCode
    if (this.jsonEnabled()) {
      writeJson(this.io.stdout, error.toJSON())
    } else {
      this.io.stderr.write(`${paint(this.io.stderr, 'red', 'Error:')} ${error.oneLine()}\n`)
    }
    if (this.ctx?.verbose && error.exitCode === ExitCode.UNEXPECTED && err instanceof Error && err.stack) {
      this.io.stderr.write(err.stack + '\n')
    }
  }

  override async finally(err: Error | undefined): Promise<void> {
    if (this.onSigint) {
      process.off('SIGINT', this.onSigint)
      process.off('SIGTERM', this.onSigint)
    }
    await this.ctx?.close()
    await super.finally(err)
  }
}

/**
 * oclif 4 reads a missing positional argument from stdin when stdin is not a terminal, so a
 * secret piped to --client-secret-stdin became the profile NAME (and was echoed in errors).
 * Arguments come from argv only.
 */
function withoutStdin(args: Interfaces.ArgInput | undefined): Interfaces.ArgInput {
  return Object.fromEntries(Object.entries(args ?? {}).map(([name, arg]) => [name, {...arg, ignoreStdin: true}]))
}

export {CliError, ExitCode}
