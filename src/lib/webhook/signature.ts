/**
 * Tink's webhook signature: `X-Tink-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 with
 * the endpoint's secret of `t + "." + raw body`; other keys in the header are ignored.
 * Source: docs.tink.com/resources/api-setup/webhook-signature-validation (Tiny-doc docs/tink_docs_home/resources/api-setup/webhook-signature-validation).
 */
import {createHmac, timingSafeEqual} from 'node:crypto'

export const SIGNATURE_HEADER = 'x-tink-signature'
/** The page advises a threshold of no less than 5 minutes, so that retried deliveries still pass. */
export const DEFAULT_MAX_AGE_S = 300

export type InvalidReason = 'malformed_header' | 'bad_signature' | 'stale'

export type Verdict = {valid: true; timestamp: number} | {valid: false; reason: InvalidReason; message: string; timestamp?: number}

export interface VerifyInput {
  /** The X-Tink-Signature value (undefined: the header was missing). */
  header: string | undefined
  body: Buffer | string
  secret: string
  /** Seconds a timestamp may be old; 0 turns the age check off. */
  maxAgeS: number
  /** Unix seconds now. */
  now: number
}

export function sign(secret: string, timestamp: number | string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** The header a delivery at `timestamp` would carry (the test sender and the emulator use it). */
export function signatureHeader(secret: string, timestamp: number, body: Buffer | string): string {
  return `t=${timestamp},v1=${sign(secret, timestamp, body)}`
}

/** t and every v1 of the header; keys other than t and v1 are ignored, as the page asks. */
export function parseSignatureHeader(header: string): {timestamp: number; signatures: string[]} | {problem: string} {
  let t: string | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (key === 't') {
      if (t !== undefined) return {problem: 'it has more than one t'}
      t = value
    } else if (key === 'v1') signatures.push(value)
  }
  if (t === undefined) return {problem: 'it has no t (timestamp)'}
  if (!/^\d{1,12}$/.test(t)) return {problem: 't is not a Unix timestamp in seconds'}
  if (signatures.length === 0) return {problem: 'it has no v1 (signature)'}
  return {timestamp: Number(t), signatures}
}

export function verifySignature(input: VerifyInput): Verdict {
  if (input.header === undefined || input.header.trim() === '') {
    return {valid: false, reason: 'malformed_header', message: 'No X-Tink-Signature header'}
  }
  const parsed = parseSignatureHeader(input.header)
  if ('problem' in parsed) return {valid: false, reason: 'malformed_header', message: `Malformed X-Tink-Signature header: ${parsed.problem}`}
  const expected = Buffer.from(sign(input.secret, parsed.timestamp, input.body), 'hex')
  const matches = parsed.signatures.some((s) => {
    if (!/^[0-9a-fA-F]{64}$/.test(s)) return false
    return timingSafeEqual(Buffer.from(s, 'hex'), expected)
  })
  if (!matches) {
    return {
      valid: false,
      reason: 'bad_signature',
      timestamp: parsed.timestamp,
      message: 'Bad signature: the HMAC-SHA256 of the timestamp and body with this secret does not match v1',
    }
  }
  // Checked after the signature, so a stale answer is about a genuine (if old) delivery.
  const age = input.now - parsed.timestamp
  if (input.maxAgeS > 0 && age > input.maxAgeS) {
    return {valid: false, reason: 'stale', timestamp: parsed.timestamp, message: `Stale: signed ${age} s ago, more than --max-age ${input.maxAgeS} s`}
  }
  return {valid: true, timestamp: parsed.timestamp}
}
