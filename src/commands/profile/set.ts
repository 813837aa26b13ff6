import {Args} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {PROFILE_SET_KEYS, setProfileValue, type SetResult} from '../../lib/services/profile/set.js'

export default class ProfileSet extends command({
  args: {
    name: Args.string({description: 'Profile name', required: true}),
    key: Args.string({description: `What to change: ${PROFILE_SET_KEYS.join(', ')}`, required: true}),
    value: Args.string({description: 'The new value', required: true}),
  },
  baseFlags: localBaseFlags,
  usesProfiles: false,
}) {
  static override summary = 'Change one default of a profile (market, locale, redirect URI, region, API or Tink Link URL) without entering its secret again.'
  static override description = `Keys: ${PROFILE_SET_KEYS.join(', ')}. The client id goes with its secret: replace both with tink login NAME --force.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> us-prod market US',
    '<%= config.bin %> <%= command.id %> us-prod redirect-uri https://example.com/callback',
  ]

  protected async main(f: Factory): Promise<Outcome<SetResult>> {
    const {name, key, value} = this.args
    return {result: await setProfileValue(f.profiles(), {name, key, value}, (line) => f.print.note(line))}
  }
}
