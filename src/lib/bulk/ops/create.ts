/** The row operation of `user create --file`: validate, settle duplicates and journaled rows, create once. */
import {hash} from 'node:crypto'
import {tinkSaid} from '../../errors/cli-error.js'
import type {CreateUserInput} from '../../tink/api.js'
import {rowKey, validateCreateRow, type CreateDefaults, type RowResult} from '../rows.js'
import {duplicateRow, failure, invalidRow, settledBefore, type RowContext, type RowOperation} from './common.js'

export interface CreateOptions {
  /** The app the users are created for: part of every Idempotency-Key. */
  app: {clientId: string; baseUrl: string}
  /** The run's nonce (the journal's, or a fresh one). */
  nonce: string
  /** Values for columns a row leaves empty (the flags). */
  defaults: CreateDefaults
  /** A user that already exists is a success (`ok`, default) or a failure (`fail`). */
  ifExists?: 'ok' | 'fail'
}

/**
 * The Idempotency-Key of one create. It is derived, not random, so that a retry and a resumed
 * run can never create a second user: the same app (client id + API URL), the same request body
 * (external id, market, locale, retention) and the same run yield the same key.
 *
 * "The same run" is the journal's nonce, or a fresh nonce when there is no journal. Without it,
 * a user deleted and created again within Tink's 24 h key lifetime would be answered from the old
 * replay (the old, now deleted, user_id) instead of being created. With it, each new run sends new
 * keys: the server's duplicate check by external id (409 -> `exists`) is what keeps plain re-runs
 * safe, and the key only has to cover retries inside one run and the rows that were in flight
 * when a journaled run stopped. The body is in the key so that a row edited between a stopped
 * run and its resume is sent as a new request instead of being refused as a reused key.
 */
export function idempotencyKey(app: {clientId: string; baseUrl: string}, nonce: string, input: CreateUserInput): string {
  const body = JSON.stringify([input.external_user_id, input.market, input.locale, input.retention_class ?? null])
  // crypto.hash: one call, cheaper than a Hash object for a short input (once per row).
  const digest = hash('sha256', `tink-bulk-create/1\0${app.clientId}\0${app.baseUrl}\0${nonce}\0${body}`, 'hex')
  return `tink-bulk-${digest.slice(0, 48)}`
}

export function createOperation(ctx: RowContext, opts: CreateOptions): RowOperation {
  return async (raw): Promise<RowResult> => {
    const checked = validateCreateRow(raw, opts.defaults)
    if (!checked.ok) return {row: raw.line, external_user_id: raw.fields?.external_user_id || undefined, ...invalidRow(raw.line, checked.reason)}
    const input = checked.value
    const {line} = raw
    const ext = input.external_user_id
    // Each result is one object literal: a resumed run reports a million of them.
    const settled = settledBefore(ctx.ledger, rowKey('create', input), line)
    if (settled?.duplicateOf !== undefined) return {row: line, external_user_id: ext, ...duplicateRow(line, settled.duplicateOf)}
    if (settled) return {row: line, external_user_id: ext, user_id: settled.user_id, status: settled.status, from_journal: true}
    if (ctx.dryRun) return {row: line, external_user_id: ext, status: 'would_create'}
    const key = idempotencyKey(opts.app, opts.nonce, input)
    for (let attempt = 0; ; attempt++) {
      try {
        if (attempt > 0) await ctx.pause(attempt - 1)
        const user = await ctx.api.createUser(input, key)
        return {row: line, external_user_id: ext, user_id: user.user_id, status: 'created'}
      } catch (err) {
        if (tinkSaid(err, 409))
          return opts.ifExists === 'fail'
            ? {row: line, external_user_id: ext, status: 'failed', error: failure(err)}
            : {row: line, external_user_id: ext, status: 'exists'}
        if (!ctx.mayRetry(err, attempt)) return {row: line, external_user_id: ext, status: 'failed', error: failure(err)}
      }
    }
  }
}
