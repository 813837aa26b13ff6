/** `tink credentials list`: one row per bank the user connected, with its status and consent expiry. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {userRef} from '../cli/user-ref.js'
import {ExitCode} from '../errors/cli-error.js'

export const credentialsListFlags = {
  ...userFlags,
  'fail-on-error': Flags.boolean({description: 'Exit 12 when any credentials are not UPDATED (the list is printed all the same).'}),
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

export async function credentialsList(f: Factory, flags: CommandFlags<typeof credentialsListFlags>): Promise<Outcome<Record<string, unknown>>> {
  const user = userRef(flags)
  await f.preflight({needsCredentials: true})
  const body = await (await f.api()).listCredentials(user)
  const list = (Array.isArray(body.credentials) ? body.credentials : []) as Array<Record<string, unknown>>
  if (!list.length) {
    f.note('No connected banks for this user (no credentials)')
    return {result: body}
  }
  const now = Date.now()
  const rows = list.map((c) => [
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
  f.out([line(head), ...rows.map(line)].join('\n'))
  const notUpdated = list.filter((c) => c.status !== 'UPDATED')
  if (flags['fail-on-error'] && notUpdated.length) {
    f.note(`${notUpdated.length} of ${list.length} credentials not UPDATED (--fail-on-error): exit 12`)
    return {result: body, exitCode: ExitCode.CREDENTIALS_FAILED}
  }
  return {result: body}
}

/** A field Tink sends as a string; anything else (absent, an object) shows as `fallback`. */
function textOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback
}
