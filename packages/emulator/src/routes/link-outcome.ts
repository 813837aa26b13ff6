/** What a Tink Link flow sends back once the Demo Bank answered (Tink Link web reference: each flow's callback, and errors). */
import type {Core, Reply} from '../context.js'
import {DEMO_PROVIDER, newCredentials, SESSION_MS} from '../demo-data.js'
import type {BankChoice} from '../link-pages.js'
import {CODE_TTL_MS, newHexId, TEMPORARY_USER_TTL_MS, type UserRecord} from '../state.js'
import {type FlowSpec, LINK_DEFAULT_LOCALE, LINK_DEFAULT_MARKET} from '../tables/flows.js'
import {connectionEvents} from '../webhook-events.js'
import type {Back} from './link.js'

/** What a one-time flow's `code` grants: the usual data scopes. */
const DATA_SCOPES = 'accounts:read,balances:read,transactions:read,provider-consents:read,credentials:read,user:read'

// Tink Link web reference, income-check / expense-check / risk-insights: the report id each returns.
const REPORT_PARAM: Partial<Record<FlowSpec['result'], string>> = {
  'income-check': 'income_check_id',
  'expense-check': 'expense_check_id',
  'risk-insights': 'risk_insights_id',
}

export interface Outcome {
  flow: string
  spec: FlowSpec
  choice: BankChoice
  clientId: string
  user: UserRecord | undefined
  existing: string | undefined
  market: string | undefined
  locale: string | undefined
  products: string | undefined
  paymentRequestId: string | undefined
  trackingId: string
  back: Back
}

export function linkOutcome(core: Core, o: Outcome): Reply {
  const now = core.now()
  const data = o.user ? core.store.dataOf(o.user.user_id) : undefined
  const existing = o.existing === undefined ? undefined : data?.credentials.find((c) => c.id === o.existing)
  if (o.choice === 'demo-cancel') {
    return o.back({
      error: 'USER_CANCELLED',
      error_reason: 'USER_CANCELLED',
      message: 'You cancelled the connection to your bank.',
      tracking_id: o.trackingId,
      provider_name: DEMO_PROVIDER,
    })
  }
  if (o.choice === 'demo-auth-error' || o.choice === 'demo-temporary-error') {
    const status = o.choice === 'demo-auth-error' ? 'AUTHENTICATION_ERROR' : 'TEMPORARY_ERROR'
    // A permanent user keeps the failed credentials (Tink sends their id as `credentials`).
    let credentials: string | undefined
    if (data && o.user) {
      const failed = existing ?? newCredentials(core.nextConnectionPrng(), o.user.user_id, now, status)
      if (existing) Object.assign(existing, {status, statusUpdated: now, updated: now})
      else data.credentials.push(failed)
      credentials = failed.id
      // A refresh that was attempted fires refresh:finished whatever its result (Tink's refresh:finished page).
      connectionEvents((u, e, c) => core.emit(u, e, c), o.user, data, failed, !existing, now)
    }
    return o.back(
      status === 'AUTHENTICATION_ERROR'
        ? {
            error: 'AUTHENTICATION_ERROR',
            error_reason: 'USER_LOGIN_ERROR',
            error_type: 'STATIC_CREDENTIALS_INCORRECT',
            message: 'The bank did not accept your login details.',
            tracking_id: o.trackingId,
            credentials,
            provider_name: DEMO_PROVIDER,
          }
        : {
            error: 'TEMPORARY_ERROR',
            error_reason: 'BANK_SERVICE_UNAVAILABLE',
            error_type: 'PROVIDER_ERROR',
            message: 'Your bank is temporarily unavailable. Try again later.',
            tracking_id: o.trackingId,
            credentials,
            provider_name: DEMO_PROVIDER,
          },
    )
  }

  // Payments: the Payments API itself is out of scope; the flow returns the payment request it was given.
  if (o.spec.result === 'payment') return o.back({payment_request_id: o.paymentRequestId})
  // Reports: the report's id only (a one-time Account Check report too).
  const reportParam = REPORT_PARAM[o.spec.result]
  if (reportParam !== undefined) return o.back({[reportParam]: newHexId()})
  if (o.spec.result === 'account-check-report' && !o.user) return o.back({account_verification_report_id: newHexId()})

  // A connection. One-time flows (no delegated code) get a temporary user of the app.
  let user = o.user
  if (!user) {
    user = {
      user_id: newHexId(),
      market: o.market ?? LINK_DEFAULT_MARKET,
      locale: o.locale ?? LINK_DEFAULT_LOCALE,
      retention_class: 'TEMPORARY',
      created_at: new Date(now).toISOString(),
      client_id: o.clientId,
      expires_at: now + TEMPORARY_USER_TTL_MS,
    }
    core.store.createUser(user)
  }
  if (!core.store.getUser(user.user_id)) {
    return o.back({error: 'INTERNAL_ERROR', error_reason: 'INTERNAL_ERROR', message: 'The user was deleted during the flow.', tracking_id: o.trackingId})
  }
  let credentialsId: string
  if (existing) {
    // update/extend consent renews the 90-day session; refresh/authenticate refresh the status.
    Object.assign(existing, {status: 'UPDATED', statusUpdated: now, updated: now, statusPayload: 'Analyzed 2 accounts from Demo Bank.'})
    if (o.flow.endsWith('-consent')) existing.sessionExpiryDate = now + SESSION_MS
    for (const a of core.store.dataOf(user.user_id).accounts) if (a.credentialsId === existing.id) a.refreshed = now
    credentialsId = existing.id
    connectionEvents((u, e, c) => core.emit(u, e, c), user, core.store.dataOf(user.user_id), existing, false, now)
  } else {
    // core.connect fires the new connection's events.
    credentialsId = core.connect(user.user_id, o.market ?? user.market)
  }
  // Account Check flows, and the products flow with ACCOUNT_CHECK, return a verification report id.
  let reportId: string | undefined
  if (
    o.spec.result === 'account-check' ||
    o.spec.result === 'account-check-report' ||
    (o.spec.takesProducts && (o.products ?? '').split(',').includes('ACCOUNT_CHECK'))
  ) {
    reportId = newHexId()
    core.store.dataOf(user.user_id).reports.set(reportId, credentialsId)
  }
  let code: string | undefined
  if (!o.user) {
    code = newHexId()
    core.store.codes.set(code, {clientId: o.clientId, userId: user.user_id, scope: DATA_SCOPES, expiresAt: now + CODE_TTL_MS, issuer: o.clientId})
  }
  return o.back({code, credentials_id: credentialsId, account_verification_report_id: reportId})
}
