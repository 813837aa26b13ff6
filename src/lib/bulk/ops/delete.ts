/**
 * The row operation of `user delete --file`: TinkApi.deleteUser's chain (grant, exchange, delete),
 * with the step it reached kept across attempts so a failure can be placed: once a chain got past
 * the grant for a user, a later "user not found" means our delete went through (its answer was
 * lost), not that the user never existed.
 */
import {CliError, tinkSaid} from '../../errors/cli-error.js'
import {userFields, type DeleteStep, type UserRef} from '../../tink/api.js'
import {rowKey, validateDeleteRow, type RowResult} from '../rows.js'
import {duplicateRow, failure, invalidRow, settledBefore, type RowContext, type RowOperation} from './common.js'

/** Times the delete chain starts over after a code or user token was used up by a lost answer. */
const CHAIN_RESTARTS = 5

export function deleteOperation(ctx: RowContext): RowOperation {
  return async (raw): Promise<RowResult> => {
    const checked = validateDeleteRow(raw)
    if (!checked.ok)
      return {
        row: raw.line,
        external_user_id: raw.fields?.external_user_id || undefined,
        user_id: raw.fields?.user_id || undefined,
        ...invalidRow(raw.line, checked.reason),
      }
    const ref: UserRef = checked.value
    const who = {row: raw.line, ...userFields(ref)}
    const settled = settledBefore(ctx.ledger, rowKey('delete', who), raw.line)
    if (settled?.duplicateOf !== undefined) return {...who, ...duplicateRow(raw.line, settled.duplicateOf)}
    if (settled) return {...who, status: settled.status, from_journal: true}
    if (ctx.dryRun) return {...who, status: 'would_delete'}
    let pastGrant = false
    let restarts = 0
    /** The backoff owed before the next attempt (none after a chain restart). */
    let backoff: number | undefined
    for (let attempt = 0; ; attempt++) {
      try {
        if (backoff !== undefined) await ctx.pause(backoff)
        await ctx.api.deleteUser(ref, (step: DeleteStep) => {
          if (step !== 'grant') pastGrant = true
        })
        return {...who, status: 'deleted'}
      } catch (err) {
        if (tinkSaid(err, 404)) return {...who, status: pastGrant ? 'deleted' : 'not_found'}
        // A code used up by a lost answer (400) or a user token of a user deleted by a lost answer
        // (401) is settled by starting the chain again: its grant then tells what happened.
        const chainRestart = pastGrant && err instanceof CliError && (err.status === 400 || err.status === 401)
        // Restarts have their own budget: three requests per chain each may meet a lost answer.
        const again = chainRestart ? restarts++ < CHAIN_RESTARTS && !ctx.hard.aborted : ctx.mayRetry(err, attempt - restarts)
        if (!again) return {...who, status: 'failed', error: failure(err)}
        backoff = chainRestart ? undefined : attempt - restarts
      }
    }
  }
}
