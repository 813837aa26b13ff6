import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileUse} from '../../lib/actions/profile-use.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {name: Args.string({description: 'Profile name', required: true})}

export default class ProfileUse extends commandOf(profileUse, {args, baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'Make a profile the active one (used when neither --profile nor TINK_PROFILE is given).'
  static override examples = ['<%= config.bin %> <%= command.id %> us-prod', '<%= config.bin %> <%= command.id %> us-prod --json']
}
