/**
 * One run of a tink command, after its flags are parsed: the Context factory (profile layers,
 * token cache), Ctrl-C/SIGTERM, human and JSON output, and the single place where any error
 * becomes an exit code and a one-line message (or a JSON error document with --json).
 *
 * It does not import oclif: the oclif commands (TinkCommand) run their bodies through it.
 */
import {Context, processIO, type GlobalFlags, type IO} from './context.js'
import {ExitCode, interrupted, toCliError} from './errors.js'
import {paint, writeJson} from './output.js'
import {profileSetup, ProfileStore, type ProfileSetup} from './profiles.js'

export interface InvocationOptions<F> {
  flags: F
  /** The command's arguments as typed (after the command id). */
  argv: readonly string[]
  /** The package version (User-Agent). */
  version: string
  /** Whether --json is in effect (oclif's jsonEnabled rules). */
  json: boolean
  /** False for commands that manage profiles themselves (no profile layers, no token cache). */
  usesProfiles?: boolean
  io?: IO
}

/** What a command body needs; the oclif command classes pass their parsed flags in. */
export class Invocation<F extends GlobalFlags = GlobalFlags> {
  readonly flags: F
  readonly argv: readonly string[]
  readonly io: IO
  readonly json: boolean
  readonly version: string
  readonly ctx: Context
  profile?: ProfileSetup
  private store?: ProfileStore
  private readonly abort = new AbortController()
  private readonly onSignal = () => {
    // A second Ctrl-C while in-flight work winds down means "now".
    if (this.abort.signal.aborted) process.exit(ExitCode.INTERRUPTED)
    this.abort.abort()
  }

  constructor(opts: InvocationOptions<F>) {
    this.flags = opts.flags
    this.argv = opts.argv
    this.io = opts.io ?? processIO()
    this.json = opts.json
    this.version = opts.version
    // May throw (a broken config file when --profile names one): before any handler is installed.
    this.ctx = this.createContext(opts.flags, {usesProfiles: opts.usesProfiles ?? true})
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  /** Reads what must come before the command body (--client-secret-stdin). */
  async begin(): Promise<void> {
    if (this.flags['client-secret-stdin']) await this.ctx.loadSecretFromStdin()
  }

  get signal(): AbortSignal {
    return this.abort.signal
  }

  /** The config file, read with node:fs (cheap); conf loads only when something is written. */
  get profiles(): ProfileStore {
    this.store ??= ProfileStore.load(this.io.env)
    return this.store
  }

  /** Builds the factory: profile layers between env and defaults, and the keychain token cache. */
  createContext(flags: GlobalFlags, opts: {usesProfiles: boolean; profileOrigin?: string}): Context {
    const base = {io: this.io, flags, version: this.version, signal: this.abort.signal}
    if (!opts.usesProfiles) return new Context(base)
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

  /** Human output on stdout (suppressed with --json: the returned value is printed instead). */
  out(text: string): void {
    if (!this.json) this.io.stdout.write(text + '\n')
  }

  /** Messages for people: always stderr, never mixed into machine output. */
  note(text: string): void {
    this.io.stderr.write(text + '\n')
  }

  warnLine(text: string): void {
    this.io.stderr.write(paint(this.io.stderr, 'yellow', 'Warning: ') + text + '\n')
  }

  /** The command's result as the one JSON document on stdout (--json). */
  printResult(result: unknown): void {
    writeJson(this.io.stdout, result)
  }

  /** Any error: exit code, then one line on stderr, or the JSON error document on stdout. */
  fail(err: unknown): void {
    reportFailure(this.io, err, {json: this.json, interrupted: this.abort.signal.aborted, verbose: this.ctx.verbose})
  }

  /** Signal handlers off, connections closed: nothing keeps the process alive after the command. */
  async end(): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    await this.ctx.close()
  }
}

/**
 * Any error, also one from before an Invocation exists (flag parsing, a broken config file): the
 * exit code, then one line on stderr, or the JSON error document on stdout with --json.
 */
export function reportFailure(io: IO, err: unknown, opts: {json: boolean; interrupted?: boolean; verbose?: boolean}): void {
  let error = toCliError(err)
  if (opts.interrupted && error.exitCode !== ExitCode.USAGE) error = interrupted()
  if ((err as {name?: string})?.name === 'ExitPromptError') error = interrupted()
  process.exitCode = error.exitCode
  if (opts.json) {
    writeJson(io.stdout, error.toJSON())
  } else {
    io.stderr.write(`${paint(io.stderr, 'red', 'Error:')} ${error.oneLine()}\n`)
  }
  if (opts.verbose && error.exitCode === ExitCode.UNEXPECTED && err instanceof Error && err.stack) {
    io.stderr.write(err.stack + '\n')
  }
}

/**
 * The whole life of a command outside oclif, in the order oclif's Command._run keeps: body,
 * error handler, cleanup, then (only when there is a result and --json) the result document.
 */
export async function runInvocation<F extends GlobalFlags, R>(inv: Invocation<F>, body: (inv: Invocation<F>) => Promise<R>): Promise<void> {
  let result: R | undefined
  try {
    await inv.begin()
    result = await body(inv)
  } catch (error) {
    inv.fail(error)
  } finally {
    await inv.end()
  }
  if (result && inv.json) inv.printResult(result)
}
