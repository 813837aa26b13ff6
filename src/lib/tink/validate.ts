/**
 * Input checks that run before anything is sent. Each throws a usage error (exit 2) whose one
 * line says what was wrong and how to fix it.
 */
import {usageError} from '../errors/cli-error.js'
import {isLoopbackHost} from '../http/loopback.js'
import {invisibleCharacter} from './invisible.js'
import {isLocale, isMarket} from './markets.js'
import {CLIENT_SCOPES, SCOPE_TABLE} from './scopes.js'

export const REGIONS = {
  eu: {api: 'https://api.tink.com', link: 'https://link.tink.com'},
  us: {api: 'https://api.us.tink.com', link: 'https://link.us.tink.com'},
} as const
export type Region = keyof typeof REGIONS

export function checkRegion(value: string, origin = '--region'): Region {
  const v = value.trim().toLowerCase()
  if (v === 'eu' || v === 'us') return v
  throw usageError(`Unknown region "${value}" (from ${origin})`, 'Use eu or us, or --base-url for any other API URL')
}

/**
 * An http(s) origin; plain http only to loopback unless explicitly allowed. Every base URL (flag,
 * environment, profile, hand-edited config) passes here, so this is the one place that refuses
 * credentials in a URL: they would be sent to the host, printed in traces and stored in the
 * config file in clear. The refusal never repeats the URL.
 */
export function checkBaseUrl(value: string, origin: string, allowInsecureHttp = false): string {
  if (!value.trim()) throw usageError(`${origin} is empty`, 'Give an absolute URL such as https://api.tink.com')
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    // An unparsable URL may still hold `user:pass@`: show it only when it cannot.
    const shown = /@/.test(value) ? '' : ` "${value}"`
    throw usageError(`Invalid URL${shown} (from ${origin})`, 'Give an absolute URL such as https://api.tink.com')
  }
  if (url.username || url.password || /^[^/]*\/\/[^/?#]*@/.test(value.trim())) {
    throw usageError(
      `Refusing a URL with credentials (user:password@) in ${origin}; the URL is not shown`,
      'Give the URL without user:password@; client credentials go in TINK_CLIENT_ID/TINK_CLIENT_SECRET or a profile',
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw usageError(`Unsupported URL scheme "${url.protocol}" in ${origin}`, 'Use an https:// URL')
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw usageError(
      `Refusing plain http:// to ${url.hostname} (from ${origin}): client secrets and tokens would cross the network unencrypted`,
      'Use https://, or pass --allow-insecure-http if you really mean it',
    )
  }
  if (url.search || url.hash) throw usageError(`${origin} must not have a query or fragment: "${value}"`, 'Give only the origin and an optional path prefix')
  return url.toString().replace(/\/+$/, '')
}

/** --timeout in seconds (decimals allowed) as whole milliseconds: undici wants integers. */
export function checkTimeoutMs(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value)
  const ms = Math.round(n * 1000)
  if (!Number.isFinite(n) || ms < 1 || n > 3600) {
    throw usageError(`Invalid --timeout "${value}"`, 'Give a number of seconds greater than 0 and at most 3600, e.g. --timeout 30 or --timeout 2.5')
  }
  return ms
}

// resource:action, the resource possibly dotted (accounts.parties:readonly).
const SCOPE = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*(:[a-z0-9-]+)+$/
/** Tink's few scopes without an action (balance-refresh, webhook-endpoints), from its own table. */
const BARE_SCOPES = new Set([...SCOPE_TABLE.flatMap(([, , scope]) => scope.split(',')), ...Object.values(CLIENT_SCOPES)].filter((s) => !s.includes(':')))

/** --scope a,b --scope c -> "a,b,c" (Tink wants one comma-separated string). */
export function joinScopes(values: readonly string[] | undefined): string | undefined {
  if (!values || values.length === 0) return undefined
  const scopes: string[] = []
  for (const value of values) {
    for (const part of value.split(',')) {
      const s = part.trim()
      if (!s) throw usageError(`Empty scope in --scope "${value}"`, 'Separate scopes with single commas, e.g. --scope accounts:read,transactions:read')
      if (!SCOPE.test(s) && !BARE_SCOPES.has(s))
        throw usageError(`Invalid scope "${s}"`, `Scopes look like resource:action, e.g. accounts:read (or are one of Tink's: ${[...BARE_SCOPES].join(', ')})`)
      if (!scopes.includes(s)) scopes.push(s)
    }
  }
  return scopes.join(',')
}

export function checkId(value: string, flag: string): string {
  if (!value.trim()) throw usageError(`${flag} is empty`, `Give a non-empty value for ${flag}`)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) throw usageError(`${flag} contains control characters`, 'Give a printable id')
  // Before the spaces check: trim() also removes a byte order mark, which is no space.
  const invisible = invisibleCharacter(value)
  if (invisible)
    throw usageError(
      `${flag} contains an invisible character, ${invisible}`,
      'Retype the id (a copy from a web page or document can carry such characters); Tink would store it as part of the id',
    )
  if (value !== value.trim()) throw usageError(`${flag} has leading or trailing spaces: "${value}"`, 'Remove the spaces')
  return value
}

export function checkMarket(value: string, origin = '--market'): string {
  const upper = value.toUpperCase()
  if (!isMarket(value)) {
    const hint = isMarket(upper) ? `Did you mean ${upper}?` : 'Use an ISO 3166-1 alpha-2 country code such as GB, SE or US'
    throw usageError(`Invalid market "${String(value)}" (from ${origin})`, hint)
  }
  return value
}

export function checkLocale(value: string, origin = '--locale'): string {
  if (!isLocale(value)) throw usageError(`Invalid locale "${String(value)}" (from ${origin})`, 'Use language_COUNTRY, e.g. en_US or sv_SE')
  return value
}

export const RETENTION_CLASSES = ['PERMANENT', 'TEMPORARY'] as const
export type RetentionClass = (typeof RETENTION_CLASSES)[number]

export function checkRetentionClass(value: string): RetentionClass {
  const v = value.toUpperCase()
  if (v === 'PERMANENT' || v === 'TEMPORARY') return v
  throw usageError(`Invalid retention class "${value}"`, 'Use PERMANENT or TEMPORARY')
}

/** id_hint is shown to the end user by Tink Link, which accepts ISO-8859-1 only. */
export function checkIdHint(value: string): string {
  if (!value.trim()) throw usageError('--id-hint is empty', 'Give the name or e-mail the customer will recognise')
  if (/[^\u0020-\u007e\u00a0-\u00ff]/.test(value)) {
    throw usageError(`--id-hint "${value}" has characters outside ISO-8859-1`, 'Tink Link accepts Latin-1 characters only')
  }
  return value
}
