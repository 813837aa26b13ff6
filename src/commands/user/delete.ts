import {Flags} from '@oclif/core'
import {TinkCommand} from '../../lib/base-command.js'
import {countBulkRows, runBulk} from '../../lib/bulk/engine.js'
import {bulkFlags, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../../lib/bulk/flags.js'
import {formatSummary} from '../../lib/bulk/render.js'
import {CliError, ExitCode, usageError} from '../../lib/errors.js'
import {askConfirm, canPrompt} from '../../lib/prompt.js'
import {describeUser, userFlags, userRef} from '../../lib/user-flags.js'

export default class UserDelete extends TinkCommand<typeof UserDelete> {
  static override summary = 'Delete a Tink user and everything Tink holds for it.'
  static override description = `Runs Tink's documented chain in one command: a client token with authorization:grant, an authorization grant with scope user:delete, the code exchanged for a user token, then POST /api/v1/user/delete with that token.
Asks for confirmation on a terminal; --yes skips the question. Without a terminal, --yes is required and nothing is sent without it.

Bulk: --file deletes every user of a CSV file (header row with user_id or external_user_id) or NDJSON file, asking once with the count. One NDJSON line per row on stdout: {"row", "external_user_id" or "user_id", "status": deleted|not_found|invalid|failed, "error"}; a summary on stderr. A user that does not exist is "not_found" (a success: re-running is safe). Exit 0 all rows ok, 6 some rows failed or were invalid, 2 the file cannot be read, 3 credentials refused, 130 interrupted.`

  static override examples = [
    {description: 'Delete a user by your own id, without a question', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --yes'},
    {description: "Delete by Tink's user id and print the result as JSON", command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --yes --json'},
    {description: 'Delete every user listed in a file, resumable with a journal', command: '<%= config.bin %> <%= command.id %> --file users.csv --yes --concurrency 16 --journal delete.journal > results.ndjson'},
  ]

  static override flags = {
    ...userFlags,
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
    ...bulkFlags,
  }

  async run(): Promise<({deleted: true} & Record<string, string | boolean>) | undefined> {
    const {flags} = this
    rejectWithoutFile(flags, this.argv)
    if (flags.file !== undefined) return this.runFile(flags.file)
    const user = userRef(flags)
    const who = describeUser(user)
    const label = user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
    await this.ctx.preflight({needsCredentials: true})
    if (!flags.yes) {
      if (!canPrompt(this.io)) throw usageError(`Refusing to delete the user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const ok = await askConfirm(this.io, `Delete the user ${label} and all its data at Tink? This cannot be undone.`)
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }

    await (await this.ctx.api()).deleteUser(user)
    this.out(`Deleted the user ${label}`)
    return {deleted: true, ...who}
  }

  /** --file: confirm once with the count, hand the rows to the bulk engine, render its summary. */
  private async runFile(file: string): Promise<undefined> {
    const {flags} = this
    rejectWithFile(flags, ['external-user-id', 'user-id'])
    const format = parseFormat(flags.format)
    const rate = parseRate(flags.rate)
    if (!flags.yes) {
      if (!canPrompt(this.io) || file === '-') throw usageError(`Refusing to delete the users in ${file === '-' ? 'standard input' : file} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const count = await countBulkRows(file, format)
      const ok = await askConfirm(this.io, `Delete the ${count} users listed in ${file} and all their data at Tink? This cannot be undone.`)
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }
    const {summary, exitCode} = await runBulk(this.ctx, {op: 'delete', file, format, concurrency: flags.concurrency, rate, journal: flags.journal}, this.signal)
    this.note(formatSummary(this.io.stderr, summary))
    process.exitCode = exitCode
    return undefined
  }
}
