/**
 * Row validation for bulk files: the same checks as the single-user flags (src/lib/tink/validate.ts),
 * but a bad row becomes a reason string instead of ending the run, so it is reported `invalid`
 * with its line number and never sent.
 */
import {CliError} from '../errors/cli-error.js'
import type {CreateUserInput, UserRef} from '../tink/api.js'
import {defaultLocale} from '../tink/markets.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass} from '../tink/validate.js'
import type {RawRow} from './source/raw-row.js'

/** would_create / would_delete: what a --dry-run found a row would do (nothing was sent for it). */
export type RowStatus = 'created' | 'exists' | 'deleted' | 'not_found' | 'invalid' | 'failed' | 'would_create' | 'would_delete'

/** One line of the NDJSON output (and of the journal): what became of one row of the input. */
export interface RowResult {
  row: number
  external_user_id?: string
  user_id?: string
  status: RowStatus
  error?: Record<string, unknown>
  /** Settled by an earlier run recorded in the journal; not sent again. */
  from_journal?: true
}

/** The error code of a row that repeats an earlier line's user. */
export const DUPLICATE_ROW = 'duplicate_row'

export const CREATE_COLUMNS = ['external_user_id', 'market', 'locale', 'retention_class'] as const
export const DELETE_COLUMNS = ['external_user_id', 'user_id'] as const

export interface CreateDefaults {
  market?: string
  locale?: string
  retention_class?: string
  /** Called with each valid row's market (user create warns about markets outside Tink's lists). */
  onMarket?: (market: string) => void
}

export type Checked<T> = {ok: true; value: T} | {ok: false; reason: string}

/** Runs one of validate.ts's throwing checks and turns its usage error into a reason. */
function attempt<T>(fn: () => T): Checked<T> {
  try {
    return {ok: true, value: fn()}
  } catch (err) {
    if (err instanceof CliError) return {ok: false, reason: err.hint ? `${err.message}. ${err.hint}` : err.message}
    throw err
  }
}

/**
 * Characters that do not show but change the id Tink stores (zero-width) or how it is shown
 * (bidirectional overrides, the "Trojan Source" characters): an id holding one is not the id a
 * person reading the file sees.
 */
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/

/** The reason an id holding an invisible character is refused, naming the code point and where it is. */
function invisibleIn(id: string, column: string): string | undefined {
  const hit = INVISIBLE.exec(id)
  if (!hit) return undefined
  const code = `U+${hit[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  return `${column} holds the invisible character ${code} at position ${[...id.slice(0, hit.index)].length + 1} (zero-width or bidirectional control); remove it from the file`
}

/** checkId, after refusing invisible characters. */
function checkedId(id: string, column: 'external_user_id' | 'user_id'): Checked<string> {
  const invisible = invisibleIn(id, column)
  return invisible ? {ok: false, reason: invisible} : attempt(() => checkId(id, column))
}

function cell(row: RawRow, name: string): string | undefined {
  const v = row.fields?.[name]
  return v === undefined || v === '' ? undefined : v
}

export function validateCreateRow(row: RawRow, defaults: CreateDefaults): Checked<CreateUserInput> {
  if (row.error !== undefined) return {ok: false, reason: row.error}
  const ext = cell(row, 'external_user_id')
  if (ext === undefined) return {ok: false, reason: 'external_user_id is missing'}
  const id = checkedId(ext, 'external_user_id')
  if (!id.ok) return id
  const marketValue = cell(row, 'market') ?? defaults.market
  if (marketValue === undefined) return {ok: false, reason: 'market is missing; add a market column or pass --market'}
  const market = attempt(() => checkMarket(marketValue, cell(row, 'market') === undefined ? '--market' : 'column market'))
  if (!market.ok) return market
  defaults.onMarket?.(market.value)
  // No locale column, flag, env or profile value: the market's own (GB -> en_GB), not en_US for everyone.
  const localeValue = cell(row, 'locale') ?? defaults.locale ?? defaultLocale(market.value)
  const locale = attempt(() => checkLocale(localeValue, cell(row, 'locale') === undefined ? '--locale' : 'column locale'))
  if (!locale.ok) return locale
  const input: CreateUserInput = {external_user_id: id.value, market: market.value, locale: locale.value}
  const retentionValue = cell(row, 'retention_class') ?? defaults.retention_class
  if (retentionValue !== undefined) {
    const retention = attempt(() => checkRetentionClass(retentionValue))
    if (!retention.ok) return retention
    input.retention_class = retention.value
  }
  return {ok: true, value: input}
}

export function validateDeleteRow(row: RawRow): Checked<UserRef> {
  if (row.error !== undefined) return {ok: false, reason: row.error}
  const ext = cell(row, 'external_user_id')
  const id = cell(row, 'user_id')
  // Both given (tink's own NDJSON results carry both): user_id wins. It names exactly one user at
  // Tink and cannot be reused, while an external id may since have been given to a new user; a row
  // whose two ids disagree therefore deletes the user its user_id names (README, bulk delete).
  if (id !== undefined) {
    const checked = checkedId(id, 'user_id')
    return checked.ok ? {ok: true, value: {userId: checked.value}} : checked
  }
  if (ext !== undefined) {
    const checked = checkedId(ext, 'external_user_id')
    return checked.ok ? {ok: true, value: {externalUserId: checked.value}} : checked
  }
  return {ok: false, reason: 'neither user_id nor external_user_id is given'}
}

/** The identity a journal remembers a row by: the same user is the same row, whatever its line. */
export function rowKey(op: 'create' | 'delete', fields: {user_id?: string; external_user_id?: string}): string | undefined {
  if (op === 'create') return fields.external_user_id ? `e:${fields.external_user_id}` : undefined
  if (fields.user_id) return `u:${fields.user_id}`
  if (fields.external_user_id) return `e:${fields.external_user_id}`
  return undefined
}
