import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileRemove, profileRemoveFlags} from '../../lib/actions/profile-remove.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {name: Args.string({description: 'Profile name', required: true})}

export default class ProfileRemove extends commandOf(profileRemove, {flags: profileRemoveFlags, args, baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'Remove a profile with its stored secret and cached tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %> old-test', '<%= config.bin %> <%= command.id %> old-test --yes']
}
