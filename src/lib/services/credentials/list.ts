/**
 * The connected banks of a user (GET /api/v1/credentials/list with a credentials:read user token),
 * and the table `tink credentials list` prints of them.
 */
import type {TinkApi, UserRef} from '../../tink/api.js'

export interface CredentialsListOptions {
  user: UserRef
}

export interface CredentialsList {
  /** Tink's answer as received (what --json prints). */
  body: Record<string, unknown>
  credentials: Array<Record<string, unknown>>
  /** The credentials whose status is not UPDATED (an error, or still connecting). */
  notUpdated: Array<Record<string, unknown>>
}

export async function listCredentials(api: TinkApi, options: CredentialsListOptions): Promise<CredentialsList> {
  const body = await api.listCredentials(options.user)
  const credentials = (Array.isArray(body.credentials) ? body.credentials : []) as Array<Record<string, unknown>>
  return {body, credentials, notUpdated: credentials.filter((c) => c.status !== 'UPDATED')}
}

const DAY_MS = 24 * 60 * 60 * 1000

/** "2027-03-03 (in 90 days)", "2026-01-01 (expired 3 days ago)". */
export function expiryText(ms: unknown, now: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '-'
  const date = new Date(ms).toISOString().slice(0, 10)
  const days = Math.round((ms - now) / DAY_MS)
  if (ms <= now) return `${date} (expired ${Math.round((now - ms) / DAY_MS)} days ago)`
  return `${date} (in ${days} day${days === 1 ? '' : 's'})`
}

/** One row per credential: provider, status, when it changed, consent expiry, the error text. */
export function credentialsTable(credentials: Array<Record<string, unknown>>, now: number): string {
  const rows = credentials.map((c) => [
    textOr(c.providerName, '-'),
    textOr(c.status, '-'),
    typeof c.statusUpdated === 'number' ? new Date(c.statusUpdated).toISOString().replace(/\.\d+Z$/, 'Z') : '-',
    expiryText(c.sessionExpiryDate, now),
    c.status !== 'UPDATED' && typeof c.statusPayload === 'string' ? c.statusPayload : '',
  ])
  const head = ['PROVIDER', 'STATUS', 'STATUS UPDATED', 'CONSENT EXPIRES', 'ERROR']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]): string =>
    r
      .map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}

/** A field Tink sends as a string; anything else (absent, an object) shows as `fallback`. */
function textOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}
