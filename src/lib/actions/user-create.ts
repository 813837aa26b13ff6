/** `tink user create`: one user from flags, or every user of a file through the bulk engine. */
import {DEFAULT_CONCURRENCY, parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../bulk/flags.js'
import {formatSummary} from '../bulk/render.js'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {bulkFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {usageError} from '../errors/cli-error.js'
import type {CreatedUser, CreateUserInput} from '../tink/api.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass, RETENTION_CLASSES} from '../tink/validate.js'

export const userCreateFlags = {
  'external-user-id': Flags.string({char: 'e', description: "Your app's id for the user (unique per app)."}),
  market: Flags.string({char: 'm', description: 'Market, ISO 3166-1 alpha-2 (e.g. GB, SE, US). Env: TINK_MARKET; else the profile default.'}),
  locale: Flags.string({char: 'l', description: 'Locale, language_COUNTRY (e.g. en_US). Env: TINK_LOCALE. Default: en_US.'}),
  'retention-class': Flags.string({description: `${RETENTION_CLASSES.join(' or ')} (temporary users are deleted after 24 h). Default: Tink's (PERMANENT).`}),
  ...bulkFlags,
  'if-exists': Flags.string({
    description: 'With --file: a user that already exists is a success ("ok", the default, reported "exists") or a failure ("fail").',
    options: ['ok', 'fail'],
    helpGroup: 'BULK',
  }),
}

type UserCreateFlags = CommandFlags<typeof userCreateFlags>

export async function userCreate(f: Factory, flags: UserCreateFlags): Promise<Outcome<CreatedUser>> {
  rejectWithoutFile(flags)
  if (flags.file !== undefined) return createFromFile(f, flags, flags.file)
  const ext = flags['external-user-id']
  if (ext === undefined) throw usageError('--external-user-id is required', 'Give the id your app uses for this user, e.g. --external-user-id user-123')
  const market = await f.settings().get('market')
  if (!market || market.source === 'default') throw usageError('--market is required', 'Give the ISO 3166-1 alpha-2 market, e.g. --market GB (or set TINK_MARKET)')
  const locale = await f.settings().get('locale')
  const input: CreateUserInput = {
    external_user_id: checkId(ext, '--external-user-id'),
    market: checkMarket(market.value, market.origin),
    locale: checkLocale(locale?.value ?? 'en_US', locale?.origin),
  }
  if (flags['retention-class'] !== undefined) input.retention_class = checkRetentionClass(flags['retention-class'])
  await f.preflight({needsCredentials: true})

  const user = await (await f.api()).createUser(input)
  f.out(formatFields([['user_id', user.user_id], ['external_user_id', user.external_user_id]]))
  return {result: {user_id: user.user_id, external_user_id: user.external_user_id ?? input.external_user_id}}
}

/** --file: parse, hand the rows to the bulk engine, render its summary; rows go to stdout as they finish. */
async function createFromFile(f: Factory, flags: UserCreateFlags, file: string): Promise<Outcome<CreatedUser>> {
  rejectWithFile(flags, ['external-user-id'])
  const market = await f.settings().get('market')
  const locale = await f.settings().get('locale')
  // The bulk engine (and the CSV parser's chunk) loads only for --file: a single user does not need it.
  const {runBulk} = await import('../bulk/engine.js')
  const {summary, exitCode} = await runBulk(
    f,
    {
      op: 'create',
      file,
      format: parseFormat(flags.format),
      delimiter: parseDelimiter(flags.delimiter),
      concurrency: flags.concurrency ?? DEFAULT_CONCURRENCY,
      rate: parseRate(flags.rate),
      journal: flags.journal,
      ifExists: flags['if-exists'] === 'fail' ? 'fail' : 'ok',
      defaults: {
        // The built-in GB is not a choice anyone made: a row without a market is invalid unless a flag, env or profile gives one.
        market: market && market.source !== 'default' ? checkMarket(market.value, market.origin) : undefined,
        locale: locale ? checkLocale(locale.value, locale.origin) : undefined,
        retention_class: flags['retention-class'] === undefined ? undefined : checkRetentionClass(flags['retention-class']),
      },
    },
    f.signal,
  )
  f.note(formatSummary(f.io.stderr, summary))
  return {exitCode}
}
