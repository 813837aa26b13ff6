import {Args} from '@oclif/core'
import {profileStatus, profileStatusFlags} from '../../lib/actions/profile-status.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {name: Args.string({description: 'Profile name. Default: every profile.'})}

export default class ProfileStatus extends commandOf(profileStatus, {flags: profileStatusFlags, args, usesProfiles: false}) {
  static override summary =
    'Check profiles: where the client id and secret come from, whether the keychain answers, whether a token can be fetched now, and cached tokens.'
  static override description = `For each profile (or the one named): the source of the client id and secret (flag, env, keychain, file), whether its secret store answers, whether a client token can be fetched now (skip with --offline), and the expiry of its cached tokens. Warns when TINK_CLIENT_ID or TINK_CLIENT_SECRET shadow a stored profile. Exit code 3 when a token cannot be fetched.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
}
