/**
 * The base of every tink command: oclif parses the flags; the command's main() turns them into a
 * service's typed options, calls it and renders what it returns. Ctrl-C/SIGTERM, the JSON
 * document, --jq, the one error renderer and the process exit code are handled here and nowhere
 * else. A command file extends `command({flags, args, needs})`, adds its help text and main().
 */
import {Command, Interfaces} from '@oclif/core'
import {ExitCode, usageError, type ExitCodeValue} from '../errors/cli-error.js'
import type {CommandNeeds} from './command-needs.cjs'
import {Factory, type Outcome} from './factory.js'
import {GLOBAL_FLAGS, jqFlags, type CommandFlags} from './flags.js'
import {Interrupt} from './interrupt.js'
import {systemIO, type IO} from './io.js'
import {prepareColor, writeJson} from './output.js'
import {renderError} from './render-error.js'
import {stdoutFailureLine} from './stdout-guard.cjs'

/** No flags or args of the command's own. */
type None = Record<never, never>

/**
 * A command's own flag definitions. Not oclif's FlagInput: as the bound of the inferred type it
 * would give each `Flags.boolean()` of the literal the type BooleanFlag<any> (its value `any`).
 */
type FlagDefs = Record<string, object>
type AsFlagInput<F> = F extends Interfaces.FlagInput ? F : never

export interface CommandSpec<F extends FlagDefs, A extends Interfaces.ArgInput> {
  /** The command's own flags; the global ones (`baseFlags`) and --json come on top. */
  flags?: F
  args?: A
  /** A subset of the global flags, for commands that would ignore the others (they are refused). */
  baseFlags?: Interfaces.FlagInput
  /** False for commands that manage profiles themselves (no profile layers, no token cache). */
  usesProfiles?: boolean
  /**
   * Whether every run sends a request, and whether it may read a secret or the token cache from
   * the keychain: collected at build time (scripts/command-needs.mjs) into what bin/run.cjs and
   * the bundle's entry read before the bundle loads (a V8 flag, the keychain warm-up).
   */
  needs?: CommandNeeds
}

/**
 * The class a command extends: oclif's flags and args from `spec`; `this.flags` and `this.args`
 * are typed from those definitions, and the command implements main().
 */
export function command<F extends FlagDefs = None, A extends Interfaces.ArgInput = None>(spec: CommandSpec<F, A> = {}) {
  abstract class Of extends TinkCommand<CommandFlags<AsFlagInput<F>>, Interfaces.InferredArgs<A>> {
    static override flags: Interfaces.FlagInput = {...(spec.flags as Interfaces.FlagInput | undefined), ...jqFlags}
    static override args: Interfaces.ArgInput = spec.args ?? {}
    // Typed as oclif's FlagInput so a command can offer a subset: flags it would ignore are refused.
    static override baseFlags: Interfaces.FlagInput = spec.baseFlags ?? GLOBAL_FLAGS
    static readonly needs: CommandNeeds = spec.needs ?? {}
    protected readonly usesProfiles = spec.usesProfiles ?? true
  }
  return Of
}

/** The parsed flags every command has (the global ones it was given, and --json). */
type BaseParsed = Partial<CommandFlags<None>>

abstract class TinkCommand<F extends BaseParsed, A> extends Command {
  static override enableJsonFlag = true

  /** The process's streams; the in-process test harness puts a test IO here before the run. */
  io: IO = systemIO()
  /** What the run ends with; the entry point's process gets it in finally(). */
  exitCode: ExitCodeValue = ExitCode.OK

  protected flags!: F
  protected args!: A
  protected abstract readonly usesProfiles: boolean

  /**
   * What the command does, once its flags are parsed: turn `this.flags` into a service's typed
   * options, call the service with what it needs from `f`, render its result. Returns what --json
   * prints and the exit code (0 unless given).
   */
  protected abstract main(f: Factory): Promise<Outcome<unknown>>

  private built?: Factory
  private readonly interrupt = new Interrupt()
  /** The first failed write to stdout (a full disk, /dev/full): the run ends with exit 7 saying so. */
  private stdoutFailure?: NodeJS.ErrnoException
  private stdoutListeners: Array<(err: Error) => void> = []
  private readonly onStdoutError = (err: NodeJS.ErrnoException): void => {
    // A reader that went away (| head) is not a failure of the command: as oclif treats it.
    if (err.code !== 'EPIPE') this.stdoutFailure ??= err
  }
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // A second Ctrl-C while in-flight work winds down means "now".
    if (this.interrupt.signal.aborted) process.exit(ExitCode.INTERRUPTED)
    this.interrupt.fire(signal)
  }

  override async init(): Promise<void> {
    await prepareColor(this.io)
    await super.init()
    const {flags, args} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: this.ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: withoutStdin(this.ctor.args),
      strict: this.ctor.strict,
    })
    rejectEmptyValues(flags, {...this.ctor.baseFlags, ...this.ctor.flags})
    this.flags = flags as F
    if (this.flags.jq !== undefined) {
      if ((flags as {raw?: boolean}).raw)
        throw usageError('--jq and --raw cannot be used together', '--raw prints the token alone; --jq filters the --json answer')
      // Loaded only now, and the expression compiled before anything is sent (bulk --file runs
      // apply it to each NDJSON line themselves: src/lib/bulk/sink.ts).
      await (await import('./jq.js')).checkJq(this.flags.jq)
    }
    this.args = args as A
    this.built = new Factory({
      io: this.io,
      flags: this.flags,
      version: this.config.version,
      json: this.jsonEnabled(),
      interrupt: this.interrupt,
      usesProfiles: this.usesProfiles,
    })
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
    // oclif's own listener rethrows a failed stdout write (a stack trace, exit 1): the run owns
    // stdout's errors and reports them once, in finally().
    this.stdoutListeners = this.io.stdout.listeners('error') as Array<(err: Error) => void>
    this.io.stdout.removeAllListeners('error')
    this.io.stdout.on('error', this.onStdoutError)
    if (this.flags['client-secret-stdin']) await this.built.loadSecretFromStdin()
  }

  async run(): Promise<unknown> {
    if (!this.built) throw new Error('command used before init()')
    const outcome = await this.main(this.built)
    this.exitCode = outcome.exitCode ?? ExitCode.OK
    if (this.flags.jq !== undefined && outcome.result !== undefined) {
      const lines = await (await import('./jq.js')).runJq(this.flags.jq, outcome.result)
      for (const line of lines) this.io.stdout.write(line + '\n')
      // Printed here: oclif prints the JSON document only for a result.
      return undefined
    }
    return outcome.result
  }

  /** --jq implies --json (before a `--`, as oclif reads --json). */
  override jsonEnabled(): boolean {
    if (super.jsonEnabled()) return true
    if (!this.ctor.enableJsonFlag) return false
    const end = this.argv.indexOf('--')
    const args = end === -1 ? this.argv : this.argv.slice(0, end)
    return args.some((a) => a === '--jq' || a.startsWith('--jq='))
  }

  override logJson(json: unknown): void {
    writeJson(this.io.stdout, json)
  }

  override async catch(err: unknown): Promise<void> {
    this.exitCode = renderError(this.io, err, {
      json: this.jsonEnabled(),
      interrupted: this.interrupt.signal.aborted,
      verbose: Boolean(this.flags?.verbose),
      authHint: () => this.built?.run.authHint(),
    })
  }

  override async finally(err: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    await this.built?.close()
    await this.settleStdout()
    process.exitCode = this.exitCode
    await super.finally(err)
  }

  /** Waits for what stdout was given, then reports a failed write in one line on stderr (exit 7). */
  private async settleStdout(): Promise<void> {
    const stdout = this.io.stdout
    // A bulk run reports its own failed writes (exit 7 already): nothing to add, nothing to restore.
    const reported = this.exitCode === ExitCode.WRITE_FAILED
    if (!reported && !stdout.destroyed && !this.stdoutFailure) {
      await new Promise<void>((resolve) =>
        stdout.write('', (err) => {
          if (err) this.onStdoutError(err)
          resolve()
        }),
      )
    }
    stdout.off('error', this.onStdoutError)
    if (reported || this.stdoutFailure) {
      // Later writes (oclif's own) may fail too: nothing is left to tell.
      stdout.on('error', () => undefined)
    } else for (const l of this.stdoutListeners) stdout.on('error', l)
    if (this.stdoutFailure && !reported) {
      const e = this.stdoutFailure
      this.exitCode = ExitCode.WRITE_FAILED
      this.io.stderr.write(stdoutFailureLine(e))
    }
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

/**
 * `--base-url ""` (an unset shell variable, usually) must not quietly mean "not given": an empty
 * value is an error for every flag that takes one, before anything is sent.
 */
function rejectEmptyValues(flags: Record<string, unknown>, defs: Interfaces.FlagInput): void {
  for (const [name, def] of Object.entries(defs)) {
    if (def.type !== 'option') continue
    const value = flags[name]
    const values = Array.isArray(value) ? value : [value]
    if (values.some((v) => typeof v === 'string' && v.trim() === '')) {
      throw usageError(`--${name} is empty`, `Give a value for --${name}, or leave the flag out`)
    }
  }
}
