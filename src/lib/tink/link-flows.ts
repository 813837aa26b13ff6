/**
 * Tink Link flows as Tink documents them: who may start each (a one-time URL with no user, a
 * permanent user's delegated code, or either), the markets it serves, whether it requires market
 * and locale, the parameters it takes, and what its callback returns. TINK-API-NOTES.md
 * ("Corrections and additions") lists the pages; each row names its own.
 */
import {
  MARKETS_ACCOUNT_CHECK_LINK,
  MARKETS_ACCOUNT_CHECK_SDK,
  MARKETS_EXPENSE_CHECK,
  MARKETS_INCOME_CHECK,
  MARKETS_PAY,
  MARKETS_PRODUCTS,
  MARKETS_RISK_INSIGHTS,
  MARKETS_TRANSACTIONS,
  MARKETS_US,
} from './markets.js'

/** one-time: no user, no code; continuous: a permanent user's delegated code; both: either. */
export type LinkAccess = 'one-time' | 'continuous' | 'both'

/** The optional Link parameters a flow may take (query names). */
export type LinkParamName =
  | 'products'
  | 'credentials_id'
  | 'payment_request_id'
  | 'input_provider'
  | 'input_username'
  | 'session_id'
  | 'financial_institution_id'
  | 'auto_redirect_mobile'
  | 'authenticate'
  | 'refreshable_items'
  | 'external_reference'
  | 'iframe'
  | 'app_uri'
  | 'theme'

/** What a flow's success callback carries besides `state`. */
export type LinkResult = 'credentials' | 'account_verification_report_id' | 'income_check_id' | 'expense_check_id' | 'risk_insights_id' | 'payment_request_id'

export interface LinkFlowSpec {
  access: LinkAccess
  markets: readonly string[]
  /** Tink marks market and locale required (else they default to SE and en_US). */
  marketRequired: boolean
  /** Parameters the flow needs (a usage error without them). */
  needs: readonly LinkParamName[]
  takes: readonly LinkParamName[]
  /** refreshable_items values the flow allows; 'any' = any item name. */
  refreshable?: readonly string[] | 'any'
  result: LinkResult
}

// tink-link-web-api-reference-transactions: refreshable_items (also business-transactions).
export const TRANSACTIONS_ITEMS = [
  'CHECKING_ACCOUNTS',
  'CHECKING_TRANSACTIONS',
  'SAVING_ACCOUNTS',
  'SAVING_TRANSACTIONS',
  'CREDITCARD_ACCOUNTS',
  'CREDITCARD_TRANSACTIONS',
] as const
// TINK-API-NOTES "Link parameters": the items account-check/create-report takes.
export const ACCOUNT_CHECK_ITEMS = ['IDENTITY_DATA', 'CHECKING_ACCOUNTS', 'SAVING_ACCOUNTS'] as const
// tink-link-web-api-reference-products: `products` values.
export const LINK_PRODUCTS = ['ACCOUNT_CHECK', 'INVESTMENTS', 'LOANS', 'TRANSACTIONS'] as const
// Every reference page: `theme` is LIGHT or DARK.
export const LINK_THEMES = ['LIGHT', 'DARK'] as const

const UI: readonly LinkParamName[] = ['iframe', 'app_uri', 'theme']
const PICK: readonly LinkParamName[] = ['input_provider', 'input_username', 'session_id', ...UI]
const CONNECT: readonly LinkParamName[] = [...PICK, 'financial_institution_id', 'refreshable_items']
const REPORT: readonly LinkParamName[] = [...PICK, 'external_reference']
const UPDATE: readonly LinkParamName[] = ['credentials_id', ...UI]

function flow(spec: Omit<LinkFlowSpec, 'needs' | 'marketRequired'> & Partial<Pick<LinkFlowSpec, 'needs' | 'marketRequired'>>): LinkFlowSpec {
  return {needs: [], marketRequired: false, ...spec}
}

export const LINK_FLOW_TABLE = {
  // tink-link-web-api-reference-transactions
  'transactions/connect-accounts': flow({
    access: 'both',
    markets: MARKETS_TRANSACTIONS,
    marketRequired: true,
    takes: CONNECT,
    refreshable: TRANSACTIONS_ITEMS,
    result: 'credentials',
  }),
  'transactions/update-consent': flow({
    access: 'continuous',
    markets: MARKETS_TRANSACTIONS,
    marketRequired: true,
    needs: ['credentials_id'],
    takes: UPDATE,
    result: 'credentials',
  }),
  'transactions/extend-consent': flow({
    access: 'continuous',
    markets: MARKETS_TRANSACTIONS,
    marketRequired: true,
    needs: ['credentials_id'],
    takes: UPDATE,
    result: 'credentials',
  }),
  // tink-link-web-api-reference-business-transactions
  'business-transactions/connect-accounts': flow({
    access: 'both',
    markets: MARKETS_TRANSACTIONS,
    marketRequired: true,
    takes: CONNECT,
    refreshable: TRANSACTIONS_ITEMS,
    result: 'credentials',
  }),
  'business-transactions/update-consent': flow({
    access: 'continuous',
    markets: MARKETS_TRANSACTIONS,
    marketRequired: true,
    needs: ['credentials_id'],
    takes: UPDATE,
    result: 'credentials',
  }),
  // tink-link-web-api-reference-products
  'products/connect-accounts': flow({
    access: 'both',
    markets: MARKETS_PRODUCTS,
    needs: ['products'],
    takes: [...CONNECT, 'products', 'auto_redirect_mobile'],
    refreshable: 'any',
    result: 'credentials',
  }),
  'products/update-consent': flow({
    access: 'continuous',
    markets: MARKETS_PRODUCTS,
    needs: ['products', 'credentials_id'],
    takes: [...UPDATE, 'products', 'auto_redirect_mobile', 'refreshable_items'],
    refreshable: 'any',
    result: 'credentials',
  }),
  // resources/account-check (SDK reference; one-time needs market and locale) and the User Match guide (bare account-check)
  'account-check/connect': flow({
    access: 'both',
    markets: MARKETS_ACCOUNT_CHECK_SDK,
    marketRequired: true,
    takes: PICK,
    result: 'account_verification_report_id',
  }),
  'account-check': flow({access: 'one-time', markets: MARKETS_ACCOUNT_CHECK_SDK, marketRequired: true, takes: PICK, result: 'account_verification_report_id'}),
  // tink-ab/tink-postman: Account Check continuous access
  'account-check/update-consent': flow({
    access: 'continuous',
    markets: MARKETS_ACCOUNT_CHECK_SDK,
    needs: ['credentials_id'],
    takes: UPDATE,
    result: 'credentials',
  }),
  // tink-link-web-api-reference-account-check (one-time); tink-ab/tink-postman-us uses it with authorization_code in the US
  'account-check/create-report': flow({
    access: 'both',
    markets: [...MARKETS_ACCOUNT_CHECK_LINK, ...MARKETS_US],
    takes: [...REPORT, 'refreshable_items'],
    refreshable: ACCOUNT_CHECK_ITEMS,
    result: 'account_verification_report_id',
  }),
  // tink-link-web-api-reference-income-check
  'income-check/create-report': flow({access: 'one-time', markets: MARKETS_INCOME_CHECK, takes: REPORT, result: 'income_check_id'}),
  // resources/expense-check (Expense Check SDK reference)
  'expense-check/create-report': flow({access: 'one-time', markets: MARKETS_EXPENSE_CHECK, takes: REPORT, result: 'expense_check_id'}),
  // tink-link-web-api-reference-risk-insights
  'risk-insights/create-report': flow({access: 'one-time', markets: MARKETS_RISK_INSIGHTS, takes: REPORT, result: 'risk_insights_id'}),
  // api-reference-bundled-flow (reports for several products in one journey)
  'reports/create-report': flow({access: 'one-time', markets: MARKETS_TRANSACTIONS, takes: REPORT, result: 'account_verification_report_id'}),
  // tink-link-web-api-reference-account-aggregation: snapshot (authorize) and permanent users (credentials/*)
  authorize: flow({access: 'one-time', markets: MARKETS_TRANSACTIONS, takes: PICK, result: 'credentials'}),
  'credentials/add': flow({access: 'continuous', markets: MARKETS_TRANSACTIONS, takes: PICK, result: 'credentials'}),
  'credentials/refresh': flow({
    access: 'continuous',
    markets: MARKETS_TRANSACTIONS,
    needs: ['credentials_id'],
    takes: [...UPDATE, 'authenticate'],
    result: 'credentials',
  }),
  'credentials/authenticate': flow({access: 'continuous', markets: MARKETS_TRANSACTIONS, needs: ['credentials_id'], takes: UPDATE, result: 'credentials'}),
  'credentials/extend-consent': flow({access: 'continuous', markets: MARKETS_TRANSACTIONS, needs: ['credentials_id'], takes: UPDATE, result: 'credentials'}),
  // tink-link-web-api-reference-payment-initiation (pay); resources/payments (pay/direct, pay/credentials)
  pay: flow({access: 'one-time', markets: MARKETS_PAY, marketRequired: true, needs: ['payment_request_id'], takes: PICK, result: 'payment_request_id'}),
  'pay/direct': flow({access: 'both', markets: MARKETS_TRANSACTIONS, needs: ['payment_request_id'], takes: PICK, result: 'payment_request_id'}),
  'pay/credentials': flow({
    access: 'continuous',
    markets: MARKETS_PAY,
    needs: ['credentials_id', 'payment_request_id'],
    takes: UI,
    result: 'payment_request_id',
  }),
} as const satisfies Record<string, LinkFlowSpec>

export type LinkFlow = keyof typeof LINK_FLOW_TABLE
export const LINK_FLOWS = Object.keys(LINK_FLOW_TABLE) as LinkFlow[]

export function flowSpec(flow: LinkFlow): LinkFlowSpec {
  return LINK_FLOW_TABLE[flow]
}

/** Flows a permanent user's delegated code can start (grant delegate, link connect with a user). */
export const flowsForUser = (): LinkFlow[] => LINK_FLOWS.filter((f) => flowSpec(f).access !== 'one-time')
/** Flows a one-time URL can start (link url, link connect without a user). */
export const flowsOneTime = (): LinkFlow[] => LINK_FLOWS.filter((f) => flowSpec(f).access !== 'continuous')
/** The flows that take a parameter, for the error that names them. */
export const flowsTaking = (param: LinkParamName): LinkFlow[] => LINK_FLOWS.filter((f) => [...flowSpec(f).takes, ...flowSpec(f).needs].includes(param))
