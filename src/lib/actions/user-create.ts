/** `tink user create`: one user from flags, or every user of a file through the bulk engine. */
import {runBulk} from '../bulk/engine.js'
import {parseDelimiter, parseFormat, parseRate, rejectWithFile, rejectWithoutFile} from '../bulk/flags.js'
import {formatSummary} from '../bulk/render.js'
import type {GlobalFlags} from '../context.js'
import {usageError} from '../errors.js'
import type {Invocation} from '../invocation.js'
import {formatFields} from '../output.js'
import type {CreatedUser, CreateUserInput} from '../tink.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass} from '../validate.js'

export interface UserCreateFlags extends GlobalFlags {
  'external-user-id'?: string
  'retention-class'?: string
  file?: string
  format?: string
  delimiter?: string
  concurrency: number
  rate: string
  journal?: string
  'if-exists': string
}

export async function userCreate(inv: Invocation<UserCreateFlags>): Promise<CreatedUser | undefined> {
  const {flags, ctx} = inv
  rejectWithoutFile(flags, inv.argv)
  if (flags.file !== undefined) return createFromFile(inv, flags.file)
  const ext = flags['external-user-id']
  if (ext === undefined) throw usageError('--external-user-id is required', 'Give the id your app uses for this user, e.g. --external-user-id user-123')
  const market = await ctx.settings.get('market')
  if (!market || market.source === 'default') throw usageError('--market is required', 'Give the ISO 3166-1 alpha-2 market, e.g. --market GB (or set TINK_MARKET)')
  const locale = await ctx.settings.get('locale')
  const input: CreateUserInput = {
    external_user_id: checkId(ext, '--external-user-id'),
    market: checkMarket(market.value, market.origin),
    locale: checkLocale(locale?.value ?? 'en_US', locale?.origin),
  }
  if (flags['retention-class'] !== undefined) input.retention_class = checkRetentionClass(flags['retention-class'])
  await ctx.preflight({needsCredentials: true})

  const user = await (await ctx.api()).createUser(input)
  inv.out(formatFields([['user_id', user.user_id], ['external_user_id', user.external_user_id]]))
  return {user_id: user.user_id, external_user_id: user.external_user_id ?? input.external_user_id}
}

/** --file: parse, hand the rows to the bulk engine, render its summary; rows go to stdout as they finish. */
async function createFromFile(inv: Invocation<UserCreateFlags>, file: string): Promise<undefined> {
  const {flags, ctx} = inv
  rejectWithFile(flags, ['external-user-id'])
  const market = await ctx.settings.get('market')
  const locale = await ctx.settings.get('locale')
  const {summary, exitCode} = await runBulk(
    ctx,
    {
      op: 'create',
      file,
      format: parseFormat(flags.format),
      delimiter: parseDelimiter(flags.delimiter),
      concurrency: flags.concurrency,
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
    inv.signal,
  )
  inv.note(formatSummary(inv.io.stderr, summary))
  process.exitCode = exitCode
  return undefined
}
