import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profilesTable, type Profile} from '../../lib/services/profile/list.js'

export default class ProfileList extends command({baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'List profiles; the active one is marked with *.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  protected async main(f: Factory): Promise<Outcome<Profile[]>> {
    const profiles = f.profiles().list()
    if (profiles.length === 0) {
      f.print.note('No profiles yet. Create one with: tink login')
      return {result: []}
    }
    f.print.out(profilesTable(profiles))
    return {result: profiles}
  }
}
