/**
 * A failed write to stdout (a full disk, /dev/full) is one line on stderr and exit 7 for every
 * command line, --help and --version included, where oclif's own listener would throw (a stack
 * trace, exit 1). A reader that went away (EPIPE) is not a failure, as oclif treats it. A command
 * owns stdout's errors while it runs and reports them itself (cli/base-command.ts). CommonJS with
 * Node's modules only: bin/run.cjs loads it before the bundle for --version.
 */
export const WRITE_FAILED = 7

export function stdoutFailureLine(err: {code?: string; message: string}): string {
  const why = err.code && !err.message.startsWith(err.code) ? `${err.code}: ${err.message}` : err.message
  return `Error: Cannot write to standard output (${why}); the output of this command is incomplete. Free space, or redirect standard output elsewhere\n`
}

/** Replaces stdout's error listeners (oclif's rethrows) with one that reports the first failure. */
export function guardStdout(): void {
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || process.exitCode === WRITE_FAILED) return
    process.exitCode = WRITE_FAILED
    process.stderr.write(stdoutFailureLine(err))
  })
}
