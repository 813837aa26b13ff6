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

// tink-link-web-api-reference-transactions: refreshable_items (also business-transactions), the
// accounts and the transactions of each kind of account: CHECKING_ACCOUNTS, CHECKING_TRANSACTIONS,
// SAVING_ACCOUNTS, SAVING_TRANSACTIONS, CREDITCARD_ACCOUNTS, CREDITCARD_TRANSACTIONS.
export const TRANSACTIONS_ITEMS: readonly string[] = ['CHECKING', 'SAVING', 'CREDITCARD'].flatMap((kind) => [`${kind}_ACCOUNTS`, `${kind}_TRANSACTIONS`])
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

/** What a row does not say: it needs no parameter, and market and locale are optional. */
type Row = Omit<LinkFlowSpec, 'needs' | 'marketRequired'> & Partial<Pick<LinkFlowSpec, 'needs' | 'marketRequired'>>
/** What a row of a family adds to it or changes. */
type More = Partial<LinkFlowSpec>

function flow(spec: Row): LinkFlowSpec {
  return {needs: [], marketRequired: false, ...spec}
}

// The families of flows, each written once.
/** A bank connection, for a one-time or a permanent user: its credentials are the answer. */
const connect = (markets: readonly string[], more: More = {}): LinkFlowSpec => flow({access: 'both', markets, takes: CONNECT, result: 'credentials', ...more})
/** A permanent user's existing credentials, acted on again (consent, refresh, authentication, a payment from them). */
const onCredentials = (markets: readonly string[], more: More = {}): LinkFlowSpec =>
  flow({access: 'continuous', markets, needs: ['credentials_id'], takes: UPDATE, result: 'credentials', ...more})
/** A one-time report: its id is the answer. */
const report = (markets: readonly string[], result: LinkResult, more: More = {}): LinkFlowSpec =>
  flow({access: 'one-time', markets, takes: REPORT, result, ...more})
/** The bank picked, no data items chosen: the account checks, authorize, credentials/add and the pay flows. */
const picked = (access: LinkAccess, markets: readonly string[], result: LinkResult, more: More = {}): LinkFlowSpec =>
  flow({access, markets, takes: PICK, result, ...more})

const MARKET_REQUIRED = {marketRequired: true}

export const LINK_FLOW_TABLE = {
  // tink-link-web-api-reference-transactions
  'transactions/connect-accounts': connect(MARKETS_TRANSACTIONS, {...MARKET_REQUIRED, refreshable: TRANSACTIONS_ITEMS}),
  'transactions/update-consent': onCredentials(MARKETS_TRANSACTIONS, MARKET_REQUIRED),
  'transactions/extend-consent': onCredentials(MARKETS_TRANSACTIONS, MARKET_REQUIRED),
  // tink-link-web-api-reference-business-transactions
  'business-transactions/connect-accounts': connect(MARKETS_TRANSACTIONS, {...MARKET_REQUIRED, refreshable: TRANSACTIONS_ITEMS}),
  'business-transactions/update-consent': onCredentials(MARKETS_TRANSACTIONS, MARKET_REQUIRED),
  // tink-link-web-api-reference-products
  'products/connect-accounts': connect(MARKETS_PRODUCTS, {needs: ['products'], takes: [...CONNECT, 'products', 'auto_redirect_mobile'], refreshable: 'any'}),
  'products/update-consent': onCredentials(MARKETS_PRODUCTS, {
    needs: ['products', 'credentials_id'],
    takes: [...UPDATE, 'products', 'auto_redirect_mobile', 'refreshable_items'],
    refreshable: 'any',
  }),
  // resources/account-check (SDK reference; one-time needs market and locale) and the User Match guide (bare account-check)
  'account-check/connect': picked('both', MARKETS_ACCOUNT_CHECK_SDK, 'account_verification_report_id', MARKET_REQUIRED),
  'account-check': picked('one-time', MARKETS_ACCOUNT_CHECK_SDK, 'account_verification_report_id', MARKET_REQUIRED),
  // tink-ab/tink-postman: Account Check continuous access
  'account-check/update-consent': onCredentials(MARKETS_ACCOUNT_CHECK_SDK),
  // tink-link-web-api-reference-account-check (one-time); tink-ab/tink-postman-us uses it with authorization_code in the US
  'account-check/create-report': report([...MARKETS_ACCOUNT_CHECK_LINK, ...MARKETS_US], 'account_verification_report_id', {
    access: 'both',
    takes: [...REPORT, 'refreshable_items'],
    refreshable: ACCOUNT_CHECK_ITEMS,
  }),
  // tink-link-web-api-reference-income-check
  'income-check/create-report': report(MARKETS_INCOME_CHECK, 'income_check_id'),
  // resources/expense-check (Expense Check SDK reference)
  'expense-check/create-report': report(MARKETS_EXPENSE_CHECK, 'expense_check_id'),
  // tink-link-web-api-reference-risk-insights
  'risk-insights/create-report': report(MARKETS_RISK_INSIGHTS, 'risk_insights_id'),
  // api-reference-bundled-flow (reports for several products in one journey)
  'reports/create-report': report(MARKETS_TRANSACTIONS, 'account_verification_report_id'),
  // tink-link-web-api-reference-account-aggregation: snapshot (authorize) and permanent users (credentials/*)
  authorize: picked('one-time', MARKETS_TRANSACTIONS, 'credentials'),
  'credentials/add': picked('continuous', MARKETS_TRANSACTIONS, 'credentials'),
  'credentials/refresh': onCredentials(MARKETS_TRANSACTIONS, {takes: [...UPDATE, 'authenticate']}),
  'credentials/authenticate': onCredentials(MARKETS_TRANSACTIONS),
  'credentials/extend-consent': onCredentials(MARKETS_TRANSACTIONS),
  // tink-link-web-api-reference-payment-initiation (pay); resources/payments (pay/direct, pay/credentials)
  pay: picked('one-time', MARKETS_PAY, 'payment_request_id', {...MARKET_REQUIRED, needs: ['payment_request_id']}),
  'pay/direct': picked('both', MARKETS_TRANSACTIONS, 'payment_request_id', {needs: ['payment_request_id']}),
  'pay/credentials': onCredentials(MARKETS_PAY, {needs: ['credentials_id', 'payment_request_id'], takes: UI, result: 'payment_request_id'}),
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
