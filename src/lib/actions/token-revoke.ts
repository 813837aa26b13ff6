/** `tink token revoke`: revoke every token of a user at Tink (revoke-all) and drop the cached ones. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {askConfirm, canPrompt} from '../cli/prompt.js'
import {userRef} from '../cli/user-ref.js'
import {userFields} from '../tink/api.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'

export const tokenRevokeFlags = {
  ...userFlags,
  yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
}

export async function tokenRevoke(f: Factory, flags: CommandFlags<typeof tokenRevokeFlags>): Promise<Outcome<Record<string, string | number | boolean>>> {
  const user = userRef(flags)
  const label = user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
  await f.run.preflight({needsCredentials: true})
  if (!flags.yes) {
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
