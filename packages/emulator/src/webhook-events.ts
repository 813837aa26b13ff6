/**
 * The events a bank connection fires, with Tink's content shapes:
 * refresh:finished (Tiny-doc docs/tink_docs_home/resources/api-setup/event-refresh-finished: credentialsId,
 * status, credentialsStatus, finished, source, sessionExpiryDate, detailedError on failure),
 * account-transactions:modified (Transactions webhooks page: userId, externalUserId, account.id,
 * transactions.{earliest,latest}ModifiedBookedDate, inserted, updated, deleted; once per account),
 * account:created (the webhooks page names it without an example; its content carries the account `id`).
 */
import type {CredentialsRecord, UserData, UserRecord} from './state.js'

export type Emit = (user: UserRecord, event: string, content: Record<string, unknown>) => void

// refresh:finished's detailedError for the Demo Bank's failures (ConnectivityError: type, displayMessage, details).
const DETAILED_ERROR: Partial<Record<CredentialsRecord['status'], Record<string, unknown>>> = {
  AUTHENTICATION_ERROR: {type: 'USER_LOGIN_ERROR', displayMessage: '', details: {reason: 'STATIC_CREDENTIALS_INCORRECT', retryable: false}},
  TEMPORARY_ERROR: {type: 'PROVIDER_ERROR', displayMessage: '', details: {reason: 'PROVIDER_UNAVAILABLE', retryable: true}},
}

export function refreshFinished(c: CredentialsRecord, finished: number): Record<string, unknown> {
  const detailedError = DETAILED_ERROR[c.status]
  return {
    credentialsId: c.id,
    status: c.status,
    credentialsStatus: c.status,
    finished,
    source: 'OPERATION_SOURCE_API',
    sessionExpiryDate: c.sessionExpiryDate,
    ...(detailedError ? {detailedError} : {}),
  }
}

const ids = (u: UserRecord): Record<string, string> => ({userId: u.user_id, ...(u.external_user_id !== undefined ? {externalUserId: u.external_user_id} : {})})

export function transactionsModified(user: UserRecord, data: UserData, accountId: string, inserted: number, updated: number): Record<string, unknown> {
  const dates = data.transactions.filter((t) => t.accountId === accountId).map((t) => t.bookedDate)
  const sorted = [...dates].sort()
  return {
    ...ids(user),
    account: {id: accountId},
    transactions: {
      ...(sorted.length > 0 ? {earliestModifiedBookedDate: sorted[0], latestModifiedBookedDate: sorted.at(-1)} : {}),
      inserted,
      updated,
      deleted: 0,
    },
  }
}

/** What a finished connection or refresh fires: refresh:finished, then per account account:created (new ones) and account-transactions:modified. */
export function connectionEvents(emit: Emit, user: UserRecord, data: UserData, c: CredentialsRecord, isNew: boolean, now: number): void {
  emit(user, 'refresh:finished', refreshFinished(c, now))
  if (c.status !== 'UPDATED') return
  for (const a of data.accounts.filter((x) => x.credentialsId === c.id)) {
    if (isNew) emit(user, 'account:created', {id: a.id})
    const count = data.transactions.filter((t) => t.accountId === a.id).length
    emit(user, 'account-transactions:modified', transactionsModified(user, data, a.id, isNew ? count : 0, 0))
  }
}

/** The content `trigger` sends when it is given no data: built from the user's first connection where the event has one. */
export function sampleContent(event: string, user: UserRecord, data: UserData | undefined, now: number): Record<string, unknown> {
  const c = data?.credentials[0]
  const a = data?.accounts[0]
  if (event === 'refresh:finished')
    return c ? refreshFinished(c, now) : {credentialsId: '', status: 'UPDATED', credentialsStatus: 'UPDATED', finished: now, source: 'OPERATION_SOURCE_API'}
  if (event === 'account:created' || event === 'account:updated') return {id: a?.id ?? ''}
  if (event === 'account-transactions:modified' || event === 'account-booked-transactions:modified') {
    return a && data ? transactionsModified(user, data, a.id, 0, 0) : {...ids(user), account: {id: ''}, transactions: {inserted: 0, updated: 0, deleted: 0}}
  }
  if (event === 'account-transactions:deleted') return {...ids(user), account: {id: a?.id ?? ''}, transactions: {ids: []}}
  return {}
}
