import {Args, Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {askConfirm, canPrompt} from '../../lib/cli/prompt.js'
import {interrupted, usageError} from '../../lib/errors/cli-error.js'
import {removalQuestion, removeProfileAndSecrets, type RemoveResult} from '../../lib/services/profile/remove.js'

export default class ProfileRemove extends command({
  flags: {yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'})},
  args: {name: Args.string({description: 'Profile name', required: true})},
  baseFlags: localBaseFlags,
  usesProfiles: false,
}) {
  static override summary = 'Remove a profile with its stored secret and cached tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %> old-test', '<%= config.bin %> <%= command.id %> old-test --yes']

  protected async main(f: Factory): Promise<Outcome<RemoveResult>> {
    const {name} = this.args
    const store = f.profiles()
    const question = removalQuestion(store, name)
    if (!this.flags.yes) {
      if (!canPrompt(f.io)) throw usageError(`Refusing to remove profile "${name}" without confirmation`, 'Pass --yes to confirm')
      if (!(await askConfirm(f.io, question))) throw interrupted()
    }
    const removed = await removeProfileAndSecrets(store, name, (line) => f.print.warnLine(line))
    f.print.note(`Removed profile ${name} (${removed.secretsDeleted} secret entr${removed.secretsDeleted === 1 ? 'y' : 'ies'} deleted)`)
    return {result: removed}
  }
}
