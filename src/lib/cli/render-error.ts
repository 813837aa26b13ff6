/**
 * The one place where a failure is shown: one line on stderr, or the JSON error document on
 * stdout with --json. Returns the exit code; the entry point sets it on the process.
 */
import {CliError, ExitCode, interrupted, toCliError, type ExitCodeValue} from '../errors/cli-error.js'
import type {IO} from './io.js'
import {paint, sanitizeForTerminal, writeJson} from './output.js'

export interface RenderOptions {
  json: boolean
  /** The run was interrupted (Ctrl-C, SIGTERM): any failure after that is reported as such. */
  interrupted?: boolean
  /** --verbose: the stack of an unexpected error (exit 1) follows its line. */
  verbose?: boolean
}

export function renderError(io: IO, err: unknown, opts: RenderOptions): ExitCodeValue {
  let error: CliError = toCliError(err)
  // An interruption a command already described (which step, what state) keeps its words.
  if (opts.interrupted && error.exitCode !== ExitCode.USAGE && error.exitCode !== ExitCode.INTERRUPTED) error = interrupted()
  if ((err as {name?: string} | undefined)?.name === 'ExitPromptError') error = interrupted()
  if (opts.json) writeJson(io.stdout, error.toJSON())
  else io.stderr.write(`${paint(io.stderr, 'red', 'Error:', io.env)} ${sanitizeForTerminal(error.oneLine())}\n`)
  if (opts.verbose && error.exitCode === ExitCode.UNEXPECTED && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n')
  return error.exitCode
}
