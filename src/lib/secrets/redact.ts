/**
 * What --verbose may never show. Every trace line passes through here, so a new secret field
 * needs adding in one place only.
 */
export const SECRET_FIELDS = new Set(['client_secret', 'code', 'refresh_token', 'access_token', 'authorization_code', 'secret'])
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
    return body.replace(/("?(client_secret|code|refresh_token|access_token|secret)"?\s*[:=]\s*"?)[^"&,\s}]+/g, `$1${MASK}`)
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
 * quotes the form, a gateway that reflects the Authorization header, a JSON error that quotes a
 * field): its answer ends up in error messages and traces, which land in CI logs. An echo is
 * rarely byte for byte: each secret is looked for as sent, JSON-escaped, HTML-escaped,
 * URL-encoded (spaces as %20 and as +, hex in either case) and URL-encoded twice.
 *
 * A short secret (under SHORT_SECRET chars) is also an ordinary word: masking `wrong` everywhere
 * turns "wrong client secret" into "*** client secret". It is masked only where it stands as a
 * value: the whole text, or between delimiters such as `=`/`&`, quotes, `: `, or after an auth
 * scheme (`Bearer x`). Prose that happens to contain the word is left alone; a short secret is
 * weak anyway, and the field-based redaction of --verbose (redactBody) still covers the request.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  if (!text) return text
  let out = text
  const variants = new Map<string, boolean>()
  for (const s of secrets) {
    if (!s) continue
    // A form shared with a long secret is masked everywhere.
    for (const v of encodedForms(s)) variants.set(v, (variants.get(v) ?? true) && s.length < SHORT_SECRET)
  }
  // Longest first, so a form that contains another (`a\\b` holds `a\b`) is masked whole.
  for (const [v, short] of [...variants].sort((a, b) => b[0].length - a[0].length)) {
    if (!out.includes(v)) continue
    out = short ? out.replace(valuePattern(v), MASK) : out.split(v).join(MASK)
  }
  return out
}

/** Below this length a secret is masked only where it stands as a value (see scrubSecrets). */
export const SHORT_SECRET = 8

/**
 * The ways a server may write `s` back: raw, JSON (also fully \\u-escaped), HTML, URL-encoded once
 * and twice (any hex case, or every byte), base64, base64url and hex.
 */
export function encodedForms(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1)
  // Some JSON writers escape `/` and everything outside printable ASCII (and <>&' for HTML safety).
  const jsonAscii = json.replace(/[^\x20-\x7e]|[<>&'/]/g, (c) => (c === '/' ? '\\/' : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')))
  // HTML escapers differ on quotes: text nodes need only & < >.
  const htmlText = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const htmlQuoted = htmlText.replace(/"/g, '&quot;')
  const uri = encodeURIComponent(s)
  const form = new URLSearchParams({x: s}).toString().slice(2)
  const once = [uri, form, uri.replace(/%20/g, '+')]
  const twice = once.flatMap((e) => [encodeURIComponent(e), new URLSearchParams({x: e}).toString().slice(2)])
  const forms = new Set([
    s,
    json,
    jsonAscii,
    jsonAscii.replace(/\\u([0-9a-f]{4})/g, (_, h: string) => '\\u' + h.toUpperCase()),
    htmlText,
    htmlQuoted,
    htmlQuoted.replace(/'/g, '&#39;'),
    htmlQuoted.replace(/'/g, '&#x27;'),
    ...once,
    ...twice,
  ])
  // Every character \uXXXX-escaped (some JSON writers do that to non-ASCII-safe output), either case.
  const allUnicode = [...s].map((c) => [...c].map((u) => '\\u' + u.charCodeAt(0).toString(16).padStart(4, '0')).join('')).join('')
  forms.add(allUnicode).add(allUnicode.toUpperCase().replace(/\\U/g, '\\u'))
  // Every byte percent-encoded (%73%65...), as some gateways log a value.
  const bytes = Buffer.from(s, 'utf8')
  forms.add([...bytes].map((b) => '%' + b.toString(16).padStart(2, '0').toUpperCase()).join(''))
  // Binary-to-text encodings a gateway may echo (a Basic auth header, a debug dump): base64 with
  // and without padding, base64url, hex in either case.
  const b64 = bytes.toString('base64')
  forms.add(b64).add(b64.replace(/=+$/, '')).add(bytes.toString('base64url'))
  forms.add(bytes.toString('hex')).add(bytes.toString('hex').toUpperCase())
  // Percent-encoding hex may come back in lower case (%2b) or mixed.
  for (const f of [...forms]) {
    if (/%[0-9A-F]{2}/.test(f)) {
      forms.add(f.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()))
      forms.add(f.replace(/%[0-9A-F]{2}/g, (h) => '%' + h[1] + h[2].toLowerCase()))
      forms.add(f.replace(/%[0-9A-F]{2}/g, (h) => '%' + h[1].toLowerCase() + h[2]))
    }
  }
  forms.delete('')
  return [...forms]
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * `v` as a value: after the start, `=`, `:` (optionally one space), a quote or bracket, or an auth
 * scheme; before the end, `&`, a quote or bracket, `,`, `;` or whitespace.
 */
function valuePattern(v: string): RegExp {
  return new RegExp(`(?<=^|[=:"'\`<>(\\[{]|: |(?:Bearer|Basic|Token) )${escapeRegExp(v)}(?=$|[&"'\`<>)\\]},;\\s])`, 'g')
}

/** The secret values of one request: secret form/JSON fields and the bearer token. */
export function secretValues(form: Record<string, string | undefined> | undefined, json: unknown, bearer: string | undefined): string[] {
  const out: string[] = []
  const fields = {...(form ?? {}), ...(json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {})}
  for (const [k, v] of Object.entries(fields)) if (SECRET_FIELDS.has(k) && typeof v === 'string' && v) out.push(v)
  if (bearer) out.push(bearer)
  // Basic auth carries base64(`id:secret`), whose base64 does not contain the secret's own.
  const id = fields.client_id
  if (typeof id === 'string' && typeof fields.client_secret === 'string' && fields.client_secret) out.push(`${id}:${fields.client_secret}`)
  // Encoded forms are scrubSecrets' business: these are the values as they were sent.
  return [...new Set(out)]
}
