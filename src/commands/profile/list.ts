import {profileList} from '../../lib/actions/profile-list.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class ProfileList extends commandOf(profileList, {baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'List profiles; the active one is marked with *.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
}
