/**
 * Tink Link's flows as Tink documents them (Tink Link web reference pages
 * resources/tink-link-web/tink-link-web-api-reference-*, read at Tiny-doc commit 471312175e25; the
 * User Match guide; Tink's Postman collections). Written independently of the CLI's tables.
 */
import {
  ACCOUNT_CHECK_MARKETS,
  EXPENSE_CHECK_MARKETS,
  INCOME_CHECK_MARKETS,
  PAY_MARKETS,
  PRODUCTS_MARKETS,
  RISK_INSIGHTS_MARKETS,
  TRANSACTIONS_MARKETS,
} from './markets.js'

/** What the callback carries on success besides `state`. */
export type FlowResult =
  | 'connection' // credentials_id (plus a code on one-time access)
  | 'account-check' // credentials_id + account_verification_report_id
  | 'account-check-report' // one-time: account_verification_report_id only; with a code: as account-check
  | 'income-check' // income_check_id
  | 'expense-check' // expense_check_id
  | 'risk-insights' // risk_insights_id
  | 'payment' // payment_request_id, as given

export interface FlowSpec {
  /** one-time: no permanent user, no authorization_code; continuous: a delegated authorization_code. */
  access: 'one-time' | 'continuous' | 'both'
  markets: readonly string[]
  /** market and locale are required when the URL has no authorization_code (else the user's own apply). */
  marketLocaleRequired: boolean
  needsCredentialsId?: boolean
  needsPaymentRequestId?: boolean
  takesProducts?: boolean
  takesExternalReference?: boolean
  /** Allowed refreshable_items values; unset: the flow takes no refreshable_items. */
  refreshableItems?: readonly string[]
  result: FlowResult
}

// Tink Link web reference, transactions: the six refreshable_items values (also Business Transactions).
export const TRANSACTIONS_REFRESHABLE_ITEMS = [
  'CHECKING_ACCOUNTS',
  'CHECKING_TRANSACTIONS',
  'SAVING_ACCOUNTS',
  'SAVING_TRANSACTIONS',
  'CREDITCARD_ACCOUNTS',
  'CREDITCARD_TRANSACTIONS',
] as const
// Tink Link web reference, account-check/create-report: refreshable_items.
export const REPORT_REFRESHABLE_ITEMS = ['IDENTITY_DATA', 'CHECKING_ACCOUNTS', 'SAVING_ACCOUNTS'] as const
// Tink Link web reference, products: `products` values.
export const LINK_PRODUCTS = ['ACCOUNT_CHECK', 'INVESTMENTS', 'LOANS', 'TRANSACTIONS'] as const
// Tink Link web references (tink-link-web-api-reference-transactions, -account-check, -payment-initiation and the other tink-link-web-api-reference-* pages), `theme`: upper case on every page.
export const LINK_THEMES = ['LIGHT', 'DARK'] as const
// Where market/locale are optional Link uses these (Tink Link web reference, products and the report flows).
export const LINK_DEFAULT_MARKET = 'SE'
export const LINK_DEFAULT_LOCALE = 'en_US'

const TX = TRANSACTIONS_REFRESHABLE_ITEMS
const consent = (markets: readonly string[], refreshableItems?: readonly string[]): FlowSpec => ({
  access: 'continuous',
  markets,
  marketLocaleRequired: false,
  needsCredentialsId: true,
  refreshableItems,
  result: 'connection',
})

// Flow name -> what Tink documents for it (TINK-API-NOTES "Link flows, checked page by page").
export const LINK_FLOWS: Readonly<Record<string, FlowSpec>> = {
  'transactions/connect-accounts': {access: 'both', markets: TRANSACTIONS_MARKETS, marketLocaleRequired: true, refreshableItems: TX, result: 'connection'},
  'transactions/update-consent': consent(TRANSACTIONS_MARKETS, TX),
  'transactions/extend-consent': consent(TRANSACTIONS_MARKETS, TX),
  'products/connect-accounts': {access: 'both', markets: PRODUCTS_MARKETS, marketLocaleRequired: false, takesProducts: true, result: 'connection'},
  'products/update-consent': {...consent(PRODUCTS_MARKETS), takesProducts: true},
  'business-transactions/connect-accounts': {
    access: 'both',
    markets: TRANSACTIONS_MARKETS,
    marketLocaleRequired: true,
    refreshableItems: TX,
    result: 'connection',
  },
  'business-transactions/update-consent': consent(TRANSACTIONS_MARKETS, TX),
  'account-check/connect': {access: 'both', markets: ACCOUNT_CHECK_MARKETS, marketLocaleRequired: true, result: 'account-check'},
  'account-check/update-consent': {...consent(ACCOUNT_CHECK_MARKETS), result: 'account-check'},
  // Tink Link web reference, account-check (Verify account): success is account_verification_report_id and state only.
  'account-check/create-report': {
    access: 'both',
    markets: ACCOUNT_CHECK_MARKETS,
    marketLocaleRequired: false,
    takesExternalReference: true,
    refreshableItems: REPORT_REFRESHABLE_ITEMS,
    result: 'account-check-report',
  },
  // User Match guide: the bare account-check flow, one-time only.
  'account-check': {access: 'one-time', markets: ACCOUNT_CHECK_MARKETS, marketLocaleRequired: false, result: 'account-check-report'},
  'income-check/create-report': {access: 'one-time', markets: INCOME_CHECK_MARKETS, marketLocaleRequired: false, result: 'income-check'},
  'expense-check/create-report': {access: 'one-time', markets: EXPENSE_CHECK_MARKETS, marketLocaleRequired: false, result: 'expense-check'},
  'risk-insights/create-report': {
    access: 'one-time',
    markets: RISK_INSIGHTS_MARKETS,
    marketLocaleRequired: false,
    takesExternalReference: true,
    result: 'risk-insights',
  },
  'reports/create-report': {access: 'one-time', markets: TRANSACTIONS_MARKETS, marketLocaleRequired: false, result: 'connection'},
  authorize: {access: 'one-time', markets: TRANSACTIONS_MARKETS, marketLocaleRequired: false, result: 'connection'},
  pay: {access: 'one-time', markets: PAY_MARKETS, marketLocaleRequired: true, needsPaymentRequestId: true, result: 'payment'},
  // One-time payments guide (integrate-one-time-payments-in-web-apps): pay/direct with payment_request_id; with a delegated code for permanent users.
  'pay/direct': {access: 'both', markets: TRANSACTIONS_MARKETS, marketLocaleRequired: false, needsPaymentRequestId: true, result: 'payment'},
  'pay/credentials': {
    access: 'continuous',
    markets: PAY_MARKETS,
    marketLocaleRequired: false,
    needsCredentialsId: true,
    needsPaymentRequestId: true,
    result: 'payment',
  },
  'credentials/add': {access: 'continuous', markets: TRANSACTIONS_MARKETS, marketLocaleRequired: false, result: 'connection'},
  'credentials/refresh': {...consent(TRANSACTIONS_MARKETS)},
  'credentials/authenticate': {...consent(TRANSACTIONS_MARKETS)},
  'credentials/extend-consent': {...consent(TRANSACTIONS_MARKETS)},
}

export const LINK_FLOW_NAMES: readonly string[] = Object.keys(LINK_FLOWS)
export const flowSpec = (name: string): FlowSpec | undefined => (Object.hasOwn(LINK_FLOWS, name) ? LINK_FLOWS[name] : undefined)
