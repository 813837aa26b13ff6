/** `tink profile list`: the profiles of the config file, the active one marked. */
import type {Factory, Outcome} from '../cli/factory.js'
import type {Profile} from '../config/profiles.js'

export async function profileList(f: Factory): Promise<Outcome<Profile[]>> {
  const profiles = f.profiles().list()
  if (profiles.length === 0) {
    f.print.note('No profiles yet. Create one with: tink login')
    return {result: []}
  }
  const rows = profiles.map((p) => [
    p.active ? '*' : ' ',
    p.name,
    p.baseUrl ?? p.region ?? 'eu',
    p.clientId,
    p.storage === 'file' ? 'file (insecure)' : 'keychain',
  ])
  const head = [' ', 'NAME', 'API', 'CLIENT ID', 'SECRET']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  f.print.out([line(head), ...rows.map(line)].join('\n'))
  return {result: profiles}
}
