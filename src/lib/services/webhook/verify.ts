/** `tink webhook verify`: checks an X-Tink-Signature against a payload, as the receiving app should. */
import {readFile} from 'node:fs/promises'
import {CliError, ExitCode, usageError} from '../../errors/cli-error.js'
import {verifySignature, type InvalidReason} from '../../webhook/signature.js'

export interface WebhookVerifyOptions {
  /** The X-Tink-Signature header value. */
  signature: string
  /** The request body exactly as received. */
  body: Buffer
  secret: string
  /** Seconds a timestamp may be old; 0 turns the age check off. */
  maxAgeS: number
  /** Unix seconds now. */
  now: number
}

export interface WebhookValid {
  valid: true
  timestamp: number
  signedAt: string
  /** The body's `event`, when it is a JSON object with one. */
  event?: unknown
}

const HINTS: Record<InvalidReason, string> = {
  malformed_header: 'Give the whole header value: t=<unix seconds>,v1=<64 hex digits>',
  bad_signature: "Check that the secret is this webhook's and that the payload is the body exactly as received (not reformatted, no newline added)",
  stale: 'A genuine but old delivery; --max-age 0 checks it without the age limit',
}

/** The delivery's verdict: a valid one's time and event, or a CliError (exit 11) saying why not. */
export function verifyDelivery(o: WebhookVerifyOptions): WebhookValid {
  const verdict = verifySignature({header: o.signature, body: o.body, secret: o.secret, maxAgeS: o.maxAgeS, now: o.now})
  if (!verdict.valid) throw new CliError(verdict.message, {exitCode: ExitCode.WEBHOOK_INVALID, code: verdict.reason, hint: HINTS[verdict.reason]})
  const event = eventOf(o.body)
  return {valid: true, timestamp: verdict.timestamp, signedAt: new Date(verdict.timestamp * 1000).toISOString(), ...(event === undefined ? {} : {event})}
}

/** The payload file (--payload), byte for byte; a usage error when it cannot be read. */
export async function readPayload(path: string): Promise<Buffer> {
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
