import {GLOBAL_FLAGS, TinkCommand} from '../../lib/base-command.js'
import type {Profile} from '../../lib/profiles.js'

export default class ProfileList extends TinkCommand<typeof ProfileList> {
  static override summary = 'List profiles; the active one is marked with *.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  // Local file work only: API flags (--timeout, --client-secret-stdin, ...) would be ignored, so
  // they are not offered; -v stays because people add it everywhere.
  static override baseFlags = {verbose: GLOBAL_FLAGS.verbose}

  protected override usesProfiles = false

  async run(): Promise<Profile[]> {
    const profiles = this.profiles.list()
    if (profiles.length === 0) {
      this.note('No profiles yet. Create one with: tink login')
      return []
    }
    const rows = profiles.map((p) => [p.active ? '*' : ' ', p.name, p.baseUrl ?? p.region ?? 'eu', p.clientId, p.storage === 'file' ? 'file (insecure)' : 'keychain'])
    const head = [' ', 'NAME', 'API', 'CLIENT ID', 'SECRET']
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
    this.out([line(head), ...rows.map(line)].join('\n'))
    return profiles
  }
}
