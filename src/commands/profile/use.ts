import {Args} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {localBaseFlags} from '../../lib/cli/flags.js'

export default class ProfileUse extends command({
  args: {name: Args.string({description: 'Profile name', required: true})},
  baseFlags: localBaseFlags,
  usesProfiles: false,
}) {
  static override summary = 'Make a profile the active one (used when neither --profile nor TINK_PROFILE is given).'
  static override examples = ['<%= config.bin %> <%= command.id %> us-prod', '<%= config.bin %> <%= command.id %> us-prod --json']

  protected async main(f: Factory): Promise<Outcome<{active: string}>> {
    const {name} = this.args
    await f.profiles().use(name)
    f.print.note(`Active profile: ${name}`)
    return {result: {active: name}}
  }
}
