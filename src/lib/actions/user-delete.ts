/** `tink user delete`: Tink's delete chain for one user, or for every user of a file. */
import {countBulkRows, runBulk} from '../bulk/engine.js'
import {parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../bulk/flags.js'
import {formatSummary} from '../bulk/render.js'
import type {GlobalFlags} from '../context.js'
import {CliError, ExitCode, usageError} from '../errors.js'
import type {Invocation} from '../invocation.js'
import {askConfirm, canPrompt} from '../prompt.js'
import {describeUser, userRef} from '../user-flags.js'

export interface UserDeleteFlags extends GlobalFlags {
  'external-user-id'?: string
  'user-id'?: string
  yes?: boolean
  file?: string
  format?: string
  delimiter?: string
  concurrency: number
  rate: string
  journal?: string
}

export async function userDelete(inv: Invocation<UserDeleteFlags>): Promise<({deleted: true} & Record<string, string | boolean>) | undefined> {
  const {flags, ctx} = inv
  rejectWithoutFile(flags, inv.argv)
  if (flags.file !== undefined) return deleteFromFile(inv, flags.file)
  const user = userRef(flags)
  const who = describeUser(user)
  const label = user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
  await ctx.preflight({needsCredentials: true})
  if (!flags.yes) {
    if (!canPrompt(inv.io)) throw usageError(`Refusing to delete the user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
    const ok = await askConfirm(inv.io, `Delete the user ${label} and all its data at Tink? This cannot be undone.`)
    if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
  }

  await (await ctx.api()).deleteUser(user)
  inv.out(`Deleted the user ${label}`)
  return {deleted: true, ...who}
}

/** --file: confirm once with the count, hand the rows to the bulk engine, render its summary. */
async function deleteFromFile(inv: Invocation<UserDeleteFlags>, file: string): Promise<undefined> {
  const {flags, ctx} = inv
  rejectWithFile(flags, ['external-user-id', 'user-id'])
  const format = parseFormat(flags.format)
  const rate = parseRate(flags.rate)
  const delimiter = parseDelimiter(flags.delimiter)
  if (!flags.yes) {
    if (!canPrompt(inv.io) || file === '-') throw usageError(`Refusing to delete the users in ${file === '-' ? 'standard input' : file} without confirmation`, 'Add --yes to confirm when not running on a terminal')
    const count = await countBulkRows(file, format)
    const ok = await askConfirm(inv.io, `Delete the ${count} users listed in ${file} and all their data at Tink? This cannot be undone.`)
    if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
  }
  const {summary, exitCode} = await runBulk(ctx, {op: 'delete', file, format, delimiter, concurrency: flags.concurrency, rate, journal: flags.journal}, inv.signal)
  inv.note(formatSummary(inv.io.stderr, summary))
  process.exitCode = exitCode
  return undefined
}
