/** `tink user create`: one user from flags, or every user of a file through the bulk engine. */
import {DEFAULT_CONCURRENCY, parseAdaptive, parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../bulk/flags.js'
import {runBulkCommand} from './bulk-run.js'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {bulkFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {CliError, ExitCode, tinkSaid, usageError} from '../errors/cli-error.js'
import {USER_CREATED_BY_EARLIER_ATTEMPT, type CreatedUser, type CreateUserInput} from '../tink/api.js'
import {defaultLocale, localeWarning, marketWarning} from '../tink/markets.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass, RETENTION_CLASSES} from '../tink/validate.js'

export const userCreateFlags = {
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
}

type UserCreateFlags = CommandFlags<typeof userCreateFlags>

/** A user this call most likely created, whose id the 409 did not give. */
type MaybeCreatedUser = {user_id: null; external_user_id: string; created: 'probably'}

/** --if-exists ok: the user was there already; Tink's 409 names no user_id, so none is printed. */
type ExistingUser = {external_user_id: string; status: 'exists'}

export async function userCreate(f: Factory, flags: UserCreateFlags): Promise<Outcome<CreatedUser | MaybeCreatedUser | ExistingUser>> {
  // --if-exists is the one bulk flag a single create takes too.
  rejectWithoutFile({...flags, 'if-exists': undefined})
  if (flags.file !== undefined) return createFromFile(f, flags, flags.file)
  const ext = flags['external-user-id']
  if (ext === undefined) throw usageError('--external-user-id is required', 'Give the id your app uses for this user, e.g. --external-user-id user-123')
  const market = await f.settings().get('market')
  if (!market || market.source === 'default')
    throw usageError('--market is required', 'Give the ISO 3166-1 alpha-2 market, e.g. --market GB (or set TINK_MARKET)')
  const locale = await f.settings().get('locale')
  const checkedMarket = checkMarket(market.value, market.origin)
  const input: CreateUserInput = {
    external_user_id: checkId(ext, '--external-user-id'),
    market: checkedMarket,
    // No locale chosen anywhere: the market's own (sv_SE in SE), not the built-in en_US.
    locale: !locale || locale.source === 'default' ? defaultLocale(checkedMarket) : checkLocale(locale.value, locale.origin),
  }
  if (flags['retention-class'] !== undefined) input.retention_class = checkRetentionClass(flags['retention-class'])
  for (const warning of [marketWarning(input.market), localeWarning(input.locale)]) if (warning) f.print.warnLine(warning)
  await f.run.preflight({needsCredentials: true})

  let user: CreatedUser
  let sent = false
  try {
    user = await (await f.api()).createUser(input, undefined, () => (sent = true))
  } catch (err) {
    if (f.signal.aborted) throw interruptedCreate(sent, input.external_user_id as string)
    if (tinkSaid(err, 409) && err.code !== USER_CREATED_BY_EARLIER_ATTEMPT) {
      if (flags['if-exists'] !== 'ok')
        throw err.withHint('Use another --external-user-id, or delete that user first with tink user delete (or pass --if-exists ok)')
      const ext = input.external_user_id as string
      f.print.note(
        `A user with external id "${ext}" already exists (--if-exists ok). Tink's answer gives no user_id: tink user get --external-user-id shows it`,
      )
      f.print.out(
        formatFields([
          ['external_user_id', ext],
          ['status', 'exists'],
        ]),
      )
      return {result: {external_user_id: ext, status: 'exists'}}
    }
    if (!(err instanceof CliError) || err.code !== USER_CREATED_BY_EARLIER_ATTEMPT) throw err
    // Tink does not give the id of an existing user to a client token: say so, exit 0, no hint to delete.
    f.print.note(`${err.message}. Its user id is not in the answer; Tink gives it with the user's own data`)
    return {result: {user_id: null, external_user_id: input.external_user_id as string, created: 'probably'}}
  }
  f.print.out(
    formatFields([
      ['user_id', user.user_id],
      ['external_user_id', user.external_user_id],
    ]),
  )
  return {result: {user_id: user.user_id, external_user_id: user.external_user_id ?? input.external_user_id}}
}

/** --file: parse, hand the rows to the bulk engine, render its summary; rows go to stdout as they finish. */
async function createFromFile(f: Factory, flags: UserCreateFlags, file: string): Promise<Outcome<CreatedUser>> {
  rejectWithFile(flags, ['external-user-id'])
  const market = await f.settings().get('market')
  const locale = await f.settings().get('locale')
  const warned = new Set<string>()
  return runBulkCommand(f, {
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

/** Ctrl-C during a single create: whether the request went out, and how to find out what Tink did. */
function interruptedCreate(sent: boolean, ext: string): CliError {
  const check = `tink user get --external-user-id ${/^[\w.@:+-]+$/.test(ext) ? ext : `'${ext.replace(/'/g, `'\\''`)}'`}`
  if (!sent)
    return new CliError(`Interrupted while getting the client token; the user create request was not sent: no user with external id "${ext}" was created`, {
      exitCode: ExitCode.INTERRUPTED,
      code: 'interrupted',
    })
  return new CliError(`Interrupted after the user create request was sent; the user with external id "${ext}" may exist`, {
    exitCode: ExitCode.INTERRUPTED,
    code: 'interrupted',
    hint: `To check: ${check} (exit 4 means it was not created)`,
  })
}
