import {Args} from '@oclif/core'
import {GLOBAL_FLAGS, TinkCommand} from '../../lib/base-command.js'

export default class ProfileUse extends TinkCommand<typeof ProfileUse> {
  static override summary = 'Make a profile the active one (used when neither --profile nor TINK_PROFILE is given).'
  static override examples = ['<%= config.bin %> <%= command.id %> us-prod', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name', required: true})}
  // Local file work only: API flags (--timeout, --client-secret-stdin, ...) would be ignored, so
  // they are not offered; -v stays because people add it everywhere.
  static override baseFlags = {verbose: GLOBAL_FLAGS.verbose}

  protected override usesProfiles = false

  async run(): Promise<{active: string}> {
    await this.profiles.use(this.args.name)
    this.note(`Active profile: ${this.args.name}`)
    return {active: this.args.name}
  }
}
