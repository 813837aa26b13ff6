/** `tink user delete`: Tink's delete chain for one user, or for every user of a file. */
import {DEFAULT_CONCURRENCY, parseAdaptive, parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../bulk/flags.js'
import {runBulkCommand} from './bulk-run.js'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {bulkFlags, userFlags, type CommandFlags} from '../cli/flags.js'
import {askConfirm, canPrompt} from '../cli/prompt.js'
import {userRef} from '../cli/user-ref.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {userFields, type DeleteStep} from '../tink/api.js'

export const userDeleteFlags = {
  ...userFlags,
  yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
  ...bulkFlags,
}

type UserDeleteFlags = CommandFlags<typeof userDeleteFlags>

type Deleted = {deleted: true} & Record<string, string | boolean>

export async function userDelete(f: Factory, flags: UserDeleteFlags): Promise<Outcome<Deleted>> {
  rejectWithoutFile(flags)
  if (flags.file !== undefined) return deleteFromFile(f, flags, flags.file)
  const user = userRef(flags)
  const who = userFields(user)
  const label = user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
  await f.run.preflight({needsCredentials: true})
  if (!flags.yes) {
    if (!canPrompt(f.io)) throw usageError(`Refusing to delete the user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
    const ok = await askConfirm(f.io, `Delete the user ${label} and all its data at Tink (${await f.run.targetLabel()})? This cannot be undone.`)
    if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
  }

  let step: DeleteStep | undefined
  try {
    await (await f.api()).deleteUser(user, (s) => (step = s))
  } catch (err) {
    if (f.signal.aborted && step) throw interruptedAt(step, label)
    throw err
  }
  f.print.out(`Deleted the user ${label}`)
  return {result: {deleted: true, ...who}}
}

/** --file: confirm once with the count, hand the rows to the bulk engine, render its summary. */
async function deleteFromFile(f: Factory, flags: UserDeleteFlags, file: string): Promise<Outcome<Deleted>> {
  rejectWithFile(flags, ['external-user-id', 'user-id'])
  const format = parseFormat(flags.format)
  const rate = parseRate(flags.rate)
  const delimiter = parseDelimiter(flags.delimiter)
  let rows: number | undefined
  // A dry run deletes nothing: no confirmation.
  if (!flags.yes && !flags['dry-run']) {
    if (!canPrompt(f.io) || file === '-')
      throw usageError(
        `Refusing to delete the users in ${file === '-' ? 'standard input' : file} without confirmation`,
        'Add --yes to confirm when not running on a terminal',
      )
    const {countBulkRows} = await import('../bulk/runner.js')
    rows = await countBulkRows(file, format)
    const ok = await askConfirm(
      f.io,
      `Delete the ${rows} users listed in ${file} and all their data at Tink (${await f.run.targetLabel()})? This cannot be undone.`,
    )
    if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
  }
  return runBulkCommand(f, {
    op: 'delete',
    file,
    format,
    delimiter,
    concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
    rate,
    journal: flags.journal,
    rows,
    dryRun: flags['dry-run'],
    adaptive: parseAdaptive(flags.adaptive),
  })
}

/** Ctrl-C mid-chain: which step it struck, and what state the user may be in. */
function interruptedAt(step: DeleteStep, label: string): CliError {
  const again = 'run the same command again: a user already deleted is reported as missing'
  const message = {
    grant: `Interrupted during the delete grant request (step 1 of 3); nothing was deleted: the user ${label} still exists`,
    exchange: `Interrupted while exchanging the delete grant for a user token (step 2 of 3); nothing was deleted: the user ${label} still exists`,
    delete: `Interrupted after the delete request was sent (step 3 of 3); the user ${label} may be deleted`,
  }[step]
  return new CliError(message, {
    exitCode: ExitCode.INTERRUPTED,
    code: 'interrupted',
    hint: step === 'delete' ? `To be sure, ${again}` : `To delete it, ${again}`,
  })
}
