/**
 * Standard input, read once per run: a secret, a code or a request body. A second reader is a
 * usage error, and a pipe that never closes never makes tink deaf to Ctrl-C and SIGTERM.
 */
import type {Readable, Writable} from 'node:stream'
import {interrupted, usageError} from '../errors/cli-error.js'

export class Stdin {
  private usedFor?: string

  constructor(
    private readonly stream: Readable & {isTTY?: boolean},
    private readonly stderr: Writable,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** One value (a secret, a code), without its final newline; empty or several lines are usage errors. */
  async value(purpose: string): Promise<string> {
    const value = (await this.text(purpose)).replace(/\r?\n$/, '')
    if (!value.trim()) throw usageError(`Nothing on standard input for ${purpose}`, `Pipe ${purpose} in, e.g. printf '%s' "$VALUE" | tink ...`)
    if (/[\r\n]/.test(value.trim())) throw usageError(`Standard input for ${purpose} has more than one line`, 'Pipe exactly one value')
    return value.trim()
  }

  /** All of stdin as it is (a request body: many lines allowed), as UTF-8. */
  async text(purpose: string): Promise<string> {
    return (await this.bytes(purpose)).toString('utf8')
  }

  /** All of stdin as bytes (a request body sent as is). */
  bytes(purpose: string): Promise<Buffer> {
    if (this.usedFor) throw usageError(`Standard input is already used for ${this.usedFor}; cannot also read ${purpose} from it`, `Give ${purpose} another way`)
    this.usedFor = purpose
    if (this.stream.isTTY) this.stderr.write(`Reading ${purpose} from standard input (end with Ctrl-D)...\n`)
    return readAll(this.stream, this.signal)
  }
}

function readAll(stream: Readable, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted())
    if (stream.readableEnded) return resolve(Buffer.alloc(0))
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
      resolve(Buffer.concat(chunks))
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
