import {Flags} from '@oclif/core'
import {TinkCommand} from '../../lib/base-command.js'
import {CliError, ExitCode, usageError} from '../../lib/errors.js'
import {askConfirm, canPrompt} from '../../lib/prompt.js'
import {describeUser, userFlags, userRef} from '../../lib/user-flags.js'

export default class UserDelete extends TinkCommand<typeof UserDelete> {
  static override summary = 'Delete a Tink user and everything Tink holds for it.'
  static override description = `Runs Tink's documented chain in one command: a client token with authorization:grant, an authorization grant with scope user:delete, the code exchanged for a user token, then POST /api/v1/user/delete with that token.
Asks for confirmation on a terminal; --yes skips the question. Without a terminal, --yes is required and nothing is sent without it.`

  static override examples = [
    {description: 'Delete a user by your own id, without a question', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --yes'},
    {description: "Delete by Tink's user id and print the result as JSON", command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --yes --json'},
  ]

  static override flags = {
    ...userFlags,
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
  }

  async run(): Promise<{deleted: true} & Record<string, string | boolean>> {
    const {flags} = this
    const user = userRef(flags)
    const who = describeUser(user)
    const label = Object.entries(who).map(([k, v]) => `${k} ${v}`).join('')
    await this.ctx.preflight({needsCredentials: true})
    if (!flags.yes) {
      if (!canPrompt(this.io)) throw usageError(`Refusing to delete user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const ok = await askConfirm(this.io, `Delete user ${label} and all its data at Tink? This cannot be undone.`)
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }

    await (await this.ctx.api()).deleteUser(user)
    this.out(`Deleted user ${label}`)
    return {deleted: true, ...who}
  }
}
