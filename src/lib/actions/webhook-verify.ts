/** `tink webhook verify`: checks an X-Tink-Signature against a payload, as the receiving app should. */
import {readFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {verifySignature, type InvalidReason} from '../webhook/signature.js'
import {secretFlags, webhookSecret} from './webhook-common.js'

export const webhookVerifyFlags = {
  signature: Flags.string({description: 'The X-Tink-Signature header value, e.g. t=1620198421,v1=3808bca3...', required: true}),
  payload: Flags.string({description: 'File with the request body exactly as received; - reads standard input.', required: true}),
  ...secretFlags,
}

const HINTS: Record<InvalidReason, string> = {
  malformed_header: 'Give the whole header value: t=<unix seconds>,v1=<64 hex digits>',
  bad_signature: "Check that the secret is this webhook's and that the payload is the body exactly as received (not reformatted, no newline added)",
  stale: 'A genuine but old delivery; --max-age 0 checks it without the age limit',
}

interface Valid {
  valid: true
  timestamp: number
  signedAt: string
  event?: unknown
}

export async function webhookVerify(f: Factory, flags: CommandFlags<typeof webhookVerifyFlags>): Promise<Outcome<Valid>> {
  if (flags.payload === '-' && flags['secret-stdin'])
    throw usageError('--payload - and --secret-stdin both read standard input', 'Put the payload in a file, or give the secret with TINK_WEBHOOK_SECRET')
  const {secret, origin} = await webhookSecret(f, flags)
  f.print.trace(`* webhook secret from ${origin}`)
  const body = flags.payload === '-' ? Buffer.from(await f.stdin.text('the payload')) : await readPayload(flags.payload)
  const verdict = verifySignature({header: flags.signature, body, secret, maxAgeS: flags['max-age'], now: Math.floor(Date.now() / 1000)})
  if (!verdict.valid) throw new CliError(verdict.message, {exitCode: ExitCode.WEBHOOK_INVALID, code: verdict.reason, hint: HINTS[verdict.reason]})
  const signedAt = new Date(verdict.timestamp * 1000).toISOString()
  const event = eventOf(body)
  f.print.out(`Valid signature${typeof event === 'string' ? ` for a ${event} event` : ''}, signed at ${signedAt}`)
  return {result: {valid: true, timestamp: verdict.timestamp, signedAt, ...(event === undefined ? {} : {event})}}
}

async function readPayload(path: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw usageError(
      `Cannot read --payload ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'error')}`,
      'Give the file holding the request body, or - for standard input',
    )
  }
}

function eventOf(body: Buffer): unknown {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).event : undefined
  } catch {
    return undefined
  }
}
