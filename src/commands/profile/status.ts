import {Args} from '@oclif/core'
import {profileStatus, profileStatusFlags} from '../../lib/actions/profile-status.js'
import {TinkCommand} from '../../lib/cli/base-command.js'

export default class ProfileStatus extends TinkCommand<typeof ProfileStatus> {
  static override summary = 'Check profiles: where the client id and secret come from, whether the keychain answers, whether a token can be fetched now, and cached tokens.'
  static override description = `For each profile (or the one named): the source of the client id and secret (flag, env, keychain, file), whether its secret store answers, whether a client token can be fetched now (skip with --offline), and the expiry of its cached tokens. Warns when TINK_CLIENT_ID or TINK_CLIENT_SECRET shadow a stored profile. Exit code 3 when a token cannot be fetched.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name. Default: every profile.'})}
  static override flags = profileStatusFlags

  protected override usesProfiles = false

  async run() {
    return this.execute(profileStatus)
  }
}
