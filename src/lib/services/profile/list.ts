/** The profiles of the config file as `tink profile list` prints them: the active one marked. */
import type {Profile} from '../../config/profiles.js'

export type {Profile}

/** One row per profile: active mark, name, API, client id, where the secret is. */
export function profilesTable(profiles: Profile[]): string {
  const rows = profiles.map((p) => [
    p.active ? '*' : ' ',
    p.name,
    p.baseUrl ?? p.region ?? 'eu',
    p.clientId,
    p.storage === 'file' ? 'file (insecure)' : 'keychain',
  ])
  const head = [' ', 'NAME', 'API', 'CLIENT ID', 'SECRET']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [line(head), ...rows.map(line)].join('\n')
}
