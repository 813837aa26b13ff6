import {Flags} from '@oclif/core'
import {DEFAULT_CONCURRENCY, parseAdaptive, parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../../lib/bulk/flags.js'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {bulkFlags} from '../../lib/cli/flags.js'
import {formatFields} from '../../lib/cli/output.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {runUsersFile} from '../../lib/services/user/bulk.js'
import {createUser} from '../../lib/services/user/create.js'
import {defaultLocale, localeWarning, marketWarning} from '../../lib/tink/markets.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass, RETENTION_CLASSES} from '../../lib/tink/validate.js'

/** What --json prints: the new user; the one that was there (--if-exists ok: Tink's 409 names no user_id); or the one an earlier attempt most likely made. */
type UserCreateResult =
  {user_id: string; external_user_id: string} | {external_user_id: string; status: 'exists'} | {user_id: null; external_user_id: string; created: 'probably'}

export default class UserCreate extends command({
  flags: {
    'external-user-id': Flags.string({char: 'e', description: "Your app's id for the user (unique per app)."}),
    market: Flags.string({char: 'm', description: 'Market, ISO 3166-1 alpha-2 (e.g. GB, SE, US). Env: TINK_MARKET; else the profile default.'}),
    locale: Flags.string({
      char: 'l',
      description:
        "Locale, language_COUNTRY (e.g. sv_SE). Env: TINK_LOCALE. Default (tink's choice: Tink documents none per market): the Tink Link locale of the market's main language (AT de_DE, IE en_GB, SE sv_SE), else en_US.",
    }),
    'retention-class': Flags.string({description: `${RETENTION_CLASSES.join(' or ')} (temporary users are deleted after 24 h). Default: Tink's (PERMANENT).`}),
    ...bulkFlags,
    'if-exists': Flags.string({
      description:
        'A user that already exists (Tink answers 409) is a success, printed as "exists" ("ok"), or a failure, exit 4 ("fail"). Default: fail for one user, ok with --file.',
      options: ['ok', 'fail'],
    }),
  },
  needs: {request: 'always', keychain: true, steady: ['file', 'f']},
}) {
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
  protected async main(f: Factory): Promise<Outcome<UserCreateResult>> {
    const {flags} = this
    // --if-exists is the one bulk flag a single create takes too.
    rejectWithoutFile({...flags, 'if-exists': undefined})
    if (flags.file !== undefined) return this.createFromFile(f, flags.file)
    const ext = flags['external-user-id']
    if (ext === undefined) throw usageError('--external-user-id is required', 'Give the id your app uses for this user, e.g. --external-user-id user-123')
    const market = await f.settings().get('market')
    if (!market || market.source === 'default')
      throw usageError('--market is required', 'Give the ISO 3166-1 alpha-2 market, e.g. --market GB (or set TINK_MARKET)')
    const locale = await f.settings().get('locale')
    const checkedMarket = checkMarket(market.value, market.origin)
    const input = {
      external_user_id: checkId(ext, '--external-user-id'),
      market: checkedMarket,
      // No locale chosen anywhere: the market's own (sv_SE in SE), not the built-in en_US.
      locale: !locale || locale.source === 'default' ? defaultLocale(checkedMarket) : checkLocale(locale.value, locale.origin),
      ...(flags['retention-class'] === undefined ? {} : {retention_class: checkRetentionClass(flags['retention-class'])}),
    }
    for (const warning of [marketWarning(input.market), localeWarning(input.locale)]) if (warning) f.print.warnLine(warning)
    await f.run.preflight({needsCredentials: true})

    const created = await createUser(await f.api(), {input, ifExists: flags['if-exists'] === 'ok' ? 'ok' : 'fail', signal: f.signal})
    switch (created.status) {
      case 'created':
        f.print.out(
          formatFields([
            ['user_id', created.user_id],
            ['external_user_id', created.external_user_id],
          ]),
        )
        return {result: {user_id: created.user_id, external_user_id: created.external_user_id}}
      case 'exists':
        f.print.note(
          `A user with external id "${created.external_user_id}" already exists (--if-exists ok). Tink's answer gives no user_id: tink user get --external-user-id shows it`,
        )
        f.print.out(
          formatFields([
            ['external_user_id', created.external_user_id],
            ['status', 'exists'],
          ]),
        )
        return {result: {external_user_id: created.external_user_id, status: 'exists'}}
      case 'probably':
        // Tink does not give the id of an existing user to a client token: say so, exit 0, no hint to delete.
        f.print.note(`${created.message}. Its user id is not in the answer; Tink gives it with the user's own data`)
        return {result: {user_id: null, external_user_id: created.external_user_id, created: 'probably'}}
    }
  }

  /** --file: parse, hand the rows to the bulk engine, which renders its summary; rows go to stdout as they finish. */
  private async createFromFile(f: Factory, file: string): Promise<Outcome<never>> {
    const {flags} = this
    rejectWithFile(flags, ['external-user-id'])
    const market = await f.settings().get('market')
    const locale = await f.settings().get('locale')
    const warned = new Set<string>()
    return runUsersFile(f.bulkDeps(), {
      op: 'create',
      file,
      format: parseFormat(flags.format),
      delimiter: parseDelimiter(flags.delimiter),
      concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
      rate: parseRate(flags.rate),
      journal: flags.journal,
      ifExists: flags['if-exists'] === 'fail' ? 'fail' : 'ok',
      dryRun: flags['dry-run'],
      adaptive: parseAdaptive(flags.adaptive),
      jq: flags.jq,
      defaults: {
        // The built-in GB is not a choice anyone made: a row without a market is invalid unless a flag, env or profile gives one.
        market: market && market.source !== 'default' ? checkMarket(market.value, market.origin) : undefined,
        // Nor is the built-in en_US: a row without a locale gets its market's own (defaultLocale).
        locale: locale && locale.source !== 'default' ? checkLocale(locale.value, locale.origin) : undefined,
        retention_class: flags['retention-class'] === undefined ? undefined : checkRetentionClass(flags['retention-class']),
        onMarket: (m) => {
          // Once per market and run, not once per row.
          if (warned.has(m)) return
          warned.add(m)
          const warning = marketWarning(m)
          if (warning) f.print.warnLine(warning)
        },
      },
    })
  }
}
