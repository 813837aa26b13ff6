import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileUse} from '../../lib/actions/profile-use.js'
import {TinkCommand} from '../../lib/cli/base-command.js'

export default class ProfileUse extends TinkCommand<typeof ProfileUse> {
  static override summary = 'Make a profile the active one (used when neither --profile nor TINK_PROFILE is given).'
  static override examples = ['<%= config.bin %> <%= command.id %> us-prod', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name', required: true})}
  static override baseFlags = localBaseFlags

  protected override usesProfiles = false

  async run() {
    return this.execute(profileUse)
  }
}
