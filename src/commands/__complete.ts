import {Args} from '@oclif/core'
import {command} from '../lib/cli/base-command.js'
import {COMPLETION_LISTS, profileNames} from '../lib/cli/completion.js'
import type {Factory, Outcome} from '../lib/cli/factory.js'

const args = {list: Args.string({description: 'The list: profiles (the profile names of the config file)', options: [...COMPLETION_LISTS], required: true})}

/** Asked by the completion scripts (tink completion) on a TAB; not for people, so hidden from help and the README. */
export default class Complete extends command({args, baseFlags: {}, usesProfiles: false}) {
  static override hidden = true
  static override summary = 'The dynamic values the completion scripts complete (profile names), one a line.'
  static override examples = ['<%= config.bin %> <%= command.id %> profiles', '<%= config.bin %> <%= command.id %> profiles --json']

  protected async main(f: Factory): Promise<Outcome<string[]>> {
    const names = profileNames(() => f.profiles())
    if (!f.json && names.length > 0) f.io.stdout.write(names.join('\n') + '\n')
    return {result: names}
  }
}
