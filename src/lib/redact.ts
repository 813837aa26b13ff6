/**
 * What --verbose may never show. Every trace line passes through here, so a new secret field
 * needs adding in one place only.
 */
export const SECRET_FIELDS = new Set(['client_secret', 'code', 'refresh_token', 'access_token', 'authorization_code'])
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie'])
const MASK = '***'

export function redactHeader(name: string, value: string): string {
  if (!SECRET_HEADERS.has(name.toLowerCase())) return value
  const scheme = /^(\w+)\s/.exec(value)
  return scheme ? `${scheme[1]} ${MASK}` : MASK
}

export function redactBody(body: string, contentType: string | undefined): string {
  if (contentType?.includes('x-www-form-urlencoded')) {
    const params = new URLSearchParams(body)
    for (const key of [...params.keys()]) if (SECRET_FIELDS.has(key)) params.set(key, MASK)
    return params.toString()
  }
  try {
    return JSON.stringify(redactValue(JSON.parse(body)))
  } catch {
    // Not JSON: mask anything that looks like `field=value` or `"field": "value"` for a secret field.
    return body.replace(/("?(client_secret|code|refresh_token|access_token)"?\s*[:=]\s*"?)[^"&,\s}]+/g, `$1${MASK}`)
  }
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) && v !== null && v !== undefined ? MASK : redactValue(v)
    return out
  }
  return value
}

/**
 * Masks the secrets a request carried wherever a server echoes them back (an HTML error page that
 * quotes the form, a gateway that reflects the Authorization header): its answer ends up in error
 * messages and traces, which land in CI logs.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK)
  return out
}

/** The secret values of one request: secret form/JSON fields and the bearer token. */
export function secretValues(form: Record<string, string | undefined> | undefined, json: unknown, bearer: string | undefined): string[] {
  const out: string[] = []
  const fields = {...(form ?? {}), ...(json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {})}
  for (const [k, v] of Object.entries(fields)) if (SECRET_FIELDS.has(k) && typeof v === 'string' && v) out.push(v)
  if (bearer) out.push(bearer)
  // Form encoding changes some characters: mask the encoded form too.
  return [...new Set(out.flatMap((v) => [v, encodeURIComponent(v)]))]
}
