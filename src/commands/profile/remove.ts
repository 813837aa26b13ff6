import {Args, Flags} from '@oclif/core'
import {GLOBAL_FLAGS, TinkCommand} from '../../lib/base-command.js'
import {interrupted, usageError} from '../../lib/errors.js'
import {removeProfile} from '../../lib/profiles.js'
import {askConfirm, canPrompt} from '../../lib/prompt.js'

export default class ProfileRemove extends TinkCommand<typeof ProfileRemove> {
  static override summary = 'Remove a profile with its stored secret and cached tokens.'
  static override examples = ['<%= config.bin %> <%= command.id %> old-test', '<%= config.bin %> <%= command.id %> old-test --yes']
  static override args = {name: Args.string({description: 'Profile name', required: true})}
  static override flags = {yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'})}
  // Local file work only: API flags (--timeout, --client-secret-stdin, ...) would be ignored, so
  // they are not offered; -v stays because people add it everywhere.
  static override baseFlags = {verbose: GLOBAL_FLAGS.verbose}

  protected override usesProfiles = false

  async run(): Promise<{removed: string; secretsDeleted: number}> {
    const {name} = this.args
    this.profiles.require(name)
    if (!this.flags.yes) {
      if (!canPrompt(this.io)) throw usageError(`Refusing to remove profile "${name}" without confirmation`, 'Pass --yes to confirm')
      if (!(await askConfirm(this.io, `Remove profile "${name}", its stored secret and cached tokens?`))) throw interrupted()
    }
    const {deleted, secretFound, secretError, where} = await removeProfile(this.profiles, name, (line) => this.warnLine(line))
    if (secretError) this.warnLine(`profile "${name}" removed, but its secrets could not be deleted: ${secretError}. Their keychain accounts start with "${name}:" (list them with: secret-tool search --all service tink-auth-cli)`)
    // A locked keychain answers "nothing there" rather than an error: the secret may still be in it.
    else if (!secretFound) this.warnLine(`no client secret of "${name}" was found in the ${where} to delete; if the keychain is locked, it is still there: unlock it and run secret-tool clear service tink-auth-cli account ${name}:client-secret`)
    this.note(`Removed profile ${name} (${deleted} secret entr${deleted === 1 ? 'y' : 'ies'} deleted)`)
    return {removed: name, secretsDeleted: deleted}
  }
}
