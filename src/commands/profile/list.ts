import {profileList} from '../../lib/actions/profile-list.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {TinkCommand} from '../../lib/cli/base-command.js'

export default class ProfileList extends TinkCommand<typeof ProfileList> {
  static override summary = 'List profiles; the active one is marked with *.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override baseFlags = localBaseFlags

  protected override usesProfiles = false

  async run() {
    return this.execute(profileList)
  }
}
