import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileShow} from '../../lib/actions/profile-show.js'
import {TinkCommand} from '../../lib/cli/base-command.js'

export default class ProfileShow extends TinkCommand<typeof ProfileShow> {
  static override summary = 'Show a profile (the active one by default). Never shows the secret.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name. Default: the active profile.'})}
  static override baseFlags = localBaseFlags

  protected override usesProfiles = false

  async run() {
    return this.execute(profileShow)
  }
}
