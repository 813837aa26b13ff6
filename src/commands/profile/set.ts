import {Args} from '@oclif/core'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {PROFILE_SET_KEYS, profileSet} from '../../lib/actions/profile-set.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {
  name: Args.string({description: 'Profile name', required: true}),
  key: Args.string({description: `What to change: ${PROFILE_SET_KEYS.join(', ')}`, required: true}),
  value: Args.string({description: 'The new value', required: true}),
}

export default class ProfileSet extends commandOf(profileSet, {args, baseFlags: localBaseFlags, usesProfiles: false}) {
  static override summary = 'Change one default of a profile (market, locale, redirect URI, region, API or Tink Link URL) without entering its secret again.'
  static override description = `Keys: ${PROFILE_SET_KEYS.join(', ')}. The client id goes with its secret: replace both with tink login NAME --force.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> us-prod market US',
    '<%= config.bin %> <%= command.id %> us-prod redirect-uri https://example.com/callback',
  ]
}
