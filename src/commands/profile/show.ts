import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileShow} from '../../lib/actions/profile-show.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {name: Args.string({description: 'Profile name. Default: the active profile.'})}

export default class ProfileShow extends commandOf(profileShow, {args, baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'Show a profile (the active one by default). Never shows the secret.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
}
