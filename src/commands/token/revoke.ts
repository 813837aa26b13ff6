import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {askConfirm, canPrompt} from '../../lib/cli/prompt.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {CliError, ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {userFields} from '../../lib/tink/api.js'

export default class TokenRevoke extends command({
  flags: {
    ...userFlags,
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = 'Revoke every token of a user (revoke-all).'
  static override description = `POST /api/v1/oauth/revoke-all with a client token for authorization:revoke: every access and refresh token of the user stops working; the user's tokens in this CLI's cache are dropped too.
Asks for confirmation on a terminal; --yes skips the question. Without a terminal, --yes is required and nothing is sent without it.`
  static override examples = [
    {description: 'Revoke the tokens of a user without a question', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --yes'},
    {
      description: "Revoke by Tink's user id in a script, the result as JSON",
      command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --yes --json',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<Record<string, string | number | boolean>>> {
    const user = userRef(this.flags)
    const label = user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
    await f.run.preflight({needsCredentials: true})
    if (!this.flags.yes) {
      if (!canPrompt(f.io))
        throw usageError(`Refusing to revoke the tokens of the user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const ok = await askConfirm(f.io, `Revoke every access and refresh token of the user ${label}? Apps using them must ask the user again.`)
      if (!ok) throw new CliError('Cancelled; nothing was revoked', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }
    const {droppedFromCache} = await (await f.api()).revokeAll(user)
    f.print.out(
      `Revoked every token of the user ${label}${droppedFromCache ? ` (${droppedFromCache} cached token${droppedFromCache === 1 ? '' : 's'} dropped)` : ''}`,
    )
    return {result: {revoked: true, ...userFields(user), dropped_from_cache: droppedFromCache}}
  }
}
