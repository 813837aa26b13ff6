import {Args} from '@oclif/core'
import {commandOf} from '../lib/cli/base-command.js'
import {COMPLETION_LISTS, completeList} from '../lib/cli/completion.js'

const args = {list: Args.string({description: 'The list: profiles (the profile names of the config file)', options: [...COMPLETION_LISTS], required: true})}

/** Asked by the completion scripts (tink completion) on a TAB; not for people, so hidden from help and the README. */
export default class Complete extends commandOf(completeList, {args, baseFlags: {}, usesProfiles: false}) {
  static override hidden = true
  static override summary = 'The dynamic values the completion scripts complete (profile names), one a line.'
  static override examples = ['<%= config.bin %> <%= command.id %> profiles', '<%= config.bin %> <%= command.id %> profiles --json']
}
