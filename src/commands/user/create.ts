import {userCreate, userCreateFlags} from '../../lib/actions/user-create.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class UserCreate extends commandOf(userCreate, {flags: userCreateFlags, needs: {request: 'always', keychain: true, steady: ['file', 'f']}}) {
  static override summary = 'Create a permanent Tink user.'
  static override description = `POST /api/v1/user/create with a client token that has user:create. Sends an Idempotency-Key, so a retry after a lost answer never creates the user twice. A user that already exists (HTTP 409) is an error with exit code 4.
Markets and locales: a market must be an ISO 3166-1 alpha-2 code; one outside every market list Tink publishes (AT BE CZ DE DK EE ES FI FR GB IE IT LT LV NL NO PL PT SE, US) is sent with a warning on stderr, as Tink adds markets. Without --locale the locale is tink's choice, since Tink documents no default per market and the API contract needs one: the Tink Link locale of the market's main language where Tink has one (AT de_DE, BE nl_NL, IE en_GB, SE sv_SE, ...), else en_US. --retention-class takes either case and sends it upper case.

Bulk: --file creates every user of a CSV file (header row: external_user_id,market,locale,retention_class) or NDJSON file (one object a line); --market, --locale and --retention-class fill in missing columns, and a row with no locale gets its market's default as above (a market outside Tink's lists is warned about once per run). CSV is RFC 4180 with ",", ";" or tab detected from the header, or set with --delimiter (one character, or tab); --file - reads standard input and takes each row as its line arrives. One NDJSON line per row on stdout: {"row", "external_user_id", "status": created|exists|invalid|failed, "user_id", "error"}; a summary on stderr. An existing user is "exists" (a success, so re-running a file is safe) unless --if-exists fail. Retries 429/5xx/resets with backoff; every create carries an Idempotency-Key derived from the app, the run (or --journal) and the row, so no retry makes a second user. Exit 0 all rows ok, 6 some rows failed or were invalid, 2 the file cannot be read, 3 credentials refused, 5 Tink asked to be called again later than 120 s (Retry-After): nothing more is sent, rows in flight settle, and the summary says when and how to resume, 7 a write failed (stdout or --journal, e.g. a full disk: the message names it), 130 interrupted (Ctrl-C: requests already sent get 10 s to come back, longer waits end at once, the journal is flushed) or stdout was closed (| head): the summary says how many rows were not processed, 129 stopped by SIGHUP (a closed terminal or SSH session: the same as Ctrl-C, and the summary is skipped if stderr is gone).`

  static override examples = [
    {description: 'Create a user in the UK market', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --market GB --locale en_US'},
    {
      description: 'Create a temporary user (deleted by Tink after 24 h) and print its ids as JSON',
      command: '<%= config.bin %> <%= command.id %> --external-user-id trial-7 --market SE --locale sv_SE --retention-class TEMPORARY --json',
    },
    {
      description: 'Create every user of a CSV export, 16 at a time, resumable after a crash or Ctrl-C',
      command: '<%= config.bin %> <%= command.id %> --file users.csv --market GB --concurrency 16 --journal users.journal > results.ndjson',
    },
  ]
}
