/**
 * The streams a command talks through, with their TTY flags, and the environment it reads. A run
 * gets the process's (systemIO); tests get buffers with TTY flags they set (testIO), as the
 * GitHub CLI's iostreams.Test() does, so behaviour tests run in process.
 */
import {PassThrough, type Readable, type Writable} from 'node:stream'

export interface IO {
  stdin: Readable & {isTTY?: boolean}
  stdout: Writable & {isTTY?: boolean}
  stderr: Writable & {isTTY?: boolean}
  env: NodeJS.ProcessEnv
}

export function systemIO(): IO {
  return {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env}
}

export interface TestIOOptions {
  /** What standard input holds; it ends after that. Undefined: an empty, closed stdin. */
  stdin?: string
  stdinTTY?: boolean
  stdoutTTY?: boolean
  stderrTTY?: boolean
  /** The terminal's width, as a TTY stream's `columns` says (on the TTY streams only). */
  columns?: number
  env?: NodeJS.ProcessEnv
}

export interface TestIO extends IO {
  stdoutText(): string
  /** What was written to stdout, as bytes. */
  stdoutBytes(): Buffer
  stderrText(): string
  /** stdout and stderr in the order written, as one terminal showing both would receive them. */
  screenText(): string
}

export function testIO(opts: TestIOOptions = {}): TestIO {
  const stdin = new PassThrough() as PassThrough & {isTTY?: boolean}
  if (opts.stdinTTY) stdin.isTTY = true
  if (opts.stdin !== undefined) stdin.write(opts.stdin)
  // A terminal's stdin stays open: a prompt reads what is typed; a pipe ends.
  if (!opts.stdinTTY) stdin.end()
  const screen: Buffer[] = []
  const capture = (tty: boolean | undefined) => {
    const chunks: Buffer[] = []
    const stream = new PassThrough() as PassThrough & {isTTY?: boolean; columns?: number}
    if (tty) stream.isTTY = true
    if (tty && opts.columns !== undefined) stream.columns = opts.columns
    stream.on('data', (c: Buffer) => {
      chunks.push(c)
      screen.push(c)
    })
    return {stream, bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString('utf8')}
  }
  const out = capture(opts.stdoutTTY)
  const err = capture(opts.stderrTTY)
  return {
    stdin,
    stdout: out.stream,
    stderr: err.stream,
    env: opts.env ?? {},
    stdoutText: out.text,
    stdoutBytes: out.bytes,
    stderrText: err.text,
    screenText: () => Buffer.concat(screen).toString('utf8'),
  }
}
