/**
 * The base of every command under oclif: the global flags, and flag parsing by oclif. The run
 * itself (Context factory, SIGINT, output, errors to exit codes) is an Invocation
 * (src/lib/invocation.ts).
 * Commands only parse, call src/lib, and render.
 */
import {Command, Flags, Interfaces} from '@oclif/core'
import {processIO, type Context, type GlobalFlags, type IO} from './context.js'
import {CliError, ExitCode} from './errors.js'
import {Invocation, reportFailure} from './invocation.js'
import {prepareColor, writeJson} from './output.js'
import type {ProfileSetup, ProfileStore} from './profiles.js'

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
  protected io: IO = processIO()
  /** The run itself (context, signals, output, errors). */
  protected inv?: Invocation<CommandFlags<T> & GlobalFlags>

  /** False for commands that manage profiles themselves (no profile layers, no token cache). */
  protected usesProfiles = true

  override async init(): Promise<void> {
    await prepareColor()
    await super.init()
    const {flags, args} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof TinkCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: withoutStdin(this.ctor.args),
      strict: this.ctor.strict,
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as Interfaces.InferredArgs<T['args']>
    this.inv = new Invocation({
      flags: this.flags as CommandFlags<T> & GlobalFlags,
      argv: this.argv,
      version: this.config.version,
      json: this.jsonEnabled(),
      usesProfiles: this.usesProfiles,
      io: this.io,
    })
    await this.inv.begin()
  }

  /** Set once init() has parsed the flags; a command body never runs before that. */
  protected get invocation(): Invocation<CommandFlags<T> & GlobalFlags> {
    if (!this.inv) throw new Error('command used before init()')
    return this.inv
  }

  protected get ctx(): Context {
    return this.invocation.ctx
  }

  protected get profile(): ProfileSetup | undefined {
    return this.invocation.profile
  }

  protected get profiles(): ProfileStore {
    return this.invocation.profiles
  }

  /** A context for another profile than the one flags select (profile status walks them all). */
  protected createContext(flags: GlobalFlags, opts: {profileOrigin?: string} = {}): Context {
    return this.invocation.createContext(flags, {usesProfiles: this.usesProfiles, profileOrigin: opts.profileOrigin})
  }

  protected get signal(): AbortSignal {
    return this.invocation.signal
  }

  protected out(text: string): void {
    this.invocation.out(text)
  }

  protected note(text: string): void {
    this.invocation.note(text)
  }

  protected warnLine(text: string): void {
    this.invocation.warnLine(text)
  }

  override logJson(json: unknown): void {
    writeJson(this.io.stdout, json)
  }

  override async catch(err: unknown): Promise<void> {
    if (this.inv) this.inv.fail(err)
    else reportFailure(this.io, err, {json: this.jsonEnabled()})
  }

  override async finally(err: Error | undefined): Promise<void> {
    await this.inv?.end()
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
