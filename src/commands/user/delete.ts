import {Flags} from '@oclif/core'
import {DEFAULT_CONCURRENCY, parseAdaptive, parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../../lib/bulk/flags.js'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {bulkFlags, userFlags} from '../../lib/cli/flags.js'
import {askConfirm, canPrompt} from '../../lib/cli/prompt.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {CliError, ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {runUsersFile} from '../../lib/services/user/bulk.js'
import {deleteUser, whichUser, type UserDeleted} from '../../lib/services/user/delete.js'

export default class UserDelete extends command({
  flags: {
    ...userFlags,
    yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
    ...bulkFlags,
  },
  needs: {request: 'always', keychain: true, steady: ['file', 'f']},
}) {
  static override summary = 'Delete a Tink user and everything Tink holds for it.'
  static override description = `Runs Tink's documented chain in one command: a client token with authorization:grant, an authorization grant with scope user:delete, the code exchanged for a user token, then POST /api/v1/user/delete with that token.
Asks for confirmation on a terminal; --yes skips the question. Without a terminal, --yes is required and nothing is sent without it.

Bulk: --file deletes every user of a CSV file (header row with user_id or external_user_id) or NDJSON file (tink's own results of user create --file work), asking once with the count. CSV is RFC 4180 with ",", ";" or tab detected from the header, or set with --delimiter (one character, or tab). One NDJSON line per row on stdout: {"row", "external_user_id" or "user_id", "status": deleted|not_found|invalid|failed, "error"}; a summary on stderr. A user that does not exist is "not_found" (a success: re-running is safe). Exit 0 all rows ok, 6 some rows failed or were invalid, 2 the file cannot be read, 3 credentials refused, 5 Tink asked to be called again later than 120 s (Retry-After): nothing more is sent, rows in flight settle, and the summary says when and how to resume, 7 a write failed (stdout or --journal, e.g. a full disk: the message names it), 130 interrupted (Ctrl-C: requests already sent get 10 s to come back, longer waits end at once) or stdout was closed (| head): the summary says how many rows were not processed, 129 stopped by SIGHUP (a closed terminal or SSH session: the same as Ctrl-C, and the summary is skipped if stderr is gone).`

  static override examples = [
    {description: 'Delete a user by your own id, without a question', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --yes'},
    {
      description: "Delete by Tink's user id and print the result as JSON",
      command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --yes --json',
    },
    {
      description: 'Delete every user listed in a file, resumable with a journal',
      command: '<%= config.bin %> <%= command.id %> --file users.csv --yes --concurrency 16 --journal delete.journal > results.ndjson',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<UserDeleted>> {
    rejectWithoutFile(this.flags)
    if (this.flags.file !== undefined) return this.deleteFromFile(f, this.flags.file)
    const user = userRef(this.flags)
    const label = whichUser(user)
    await f.run.preflight({needsCredentials: true})
    if (!this.flags.yes) {
      if (!canPrompt(f.io)) throw usageError(`Refusing to delete the user ${label} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const ok = await askConfirm(f.io, `Delete the user ${label} and all its data at Tink (${await f.run.targetLabel()})? This cannot be undone.`)
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }
    const deleted = await deleteUser(await f.api(), {user, signal: f.signal})
    f.print.out(`Deleted the user ${label}`)
    return {result: deleted}
  }

  /** --file: confirm once with the count, hand the rows to the bulk engine (src/lib/services/user/bulk.ts), which renders its summary. */
  private async deleteFromFile(f: Factory, file: string): Promise<Outcome<never>> {
    const {flags} = this
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
      const {countBulkRows} = await import('../../lib/bulk/runner.js')
      rows = await countBulkRows(file, format)
      const ok = await askConfirm(
        f.io,
        `Delete the ${rows} users listed in ${file} and all their data at Tink (${await f.run.targetLabel()})? This cannot be undone.`,
      )
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }
    return runUsersFile(f.bulkDeps(), {
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
      jq: flags.jq,
    })
  }
}
