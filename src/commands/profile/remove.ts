import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {profileRemove, profileRemoveFlags} from '../../lib/actions/profile-remove.js'
import {TinkCommand} from '../../lib/cli/base-command.js'

export default class ProfileRemove extends TinkCommand<typeof ProfileRemove> {
  static override summary = 'Remove a profile with its stored secret and cached tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %> old-test', '<%= config.bin %> <%= command.id %> old-test --yes']
  static override args = {name: Args.string({description: 'Profile name', required: true})}
  static override flags = profileRemoveFlags
  static override baseFlags = localBaseFlags

  protected override usesProfiles = false

  async run() {
    return this.execute(profileRemove)
  }
}
