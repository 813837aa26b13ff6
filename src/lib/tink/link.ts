/**
 * Tink Link URLs: what a support person sends a customer after a delegated grant. Flows and
 * parameters as in TINK-API-NOTES.md ("Tink Link"); every query value is URL-encoded by
 * URLSearchParams. Rules Tink states (lengths, enums, which flow needs what) are checked here,
 * before any request is sent; the README has the table of which flow takes which parameter.
 */
import {isLoopbackHost} from '../http/loopback.js'
import {usageError} from '../errors/cli-error.js'

export const LINK_FLOWS = [
  'transactions/connect-accounts',
  'transactions/update-consent',
  'transactions/extend-consent',
  'products/connect-accounts',
  'products/update-consent',
  'account-check/connect',
  'account-check/update-consent',
  'credentials/add',
  'credentials/refresh',
  'credentials/authenticate',
] as const
export type LinkFlow = (typeof LINK_FLOWS)[number]

/** Flows that act on existing credentials: they need credentials_id. */
export const CREDENTIALS_FLOWS: readonly LinkFlow[] = [
  'transactions/update-consent',
  'transactions/extend-consent',
  'products/update-consent',
  'account-check/update-consent',
  'credentials/refresh',
  'credentials/authenticate',
]

/** Tink's product names for `products`. */
export const LINK_PRODUCTS = ['ACCOUNT_CHECK', 'TRANSACTIONS', 'BALANCE_CHECK', 'INCOME_CHECK', 'EXPENSE_CHECK', 'RISK_INSIGHTS', 'PAYMENT_INITIATION'] as const
export const LINK_THEMES = ['light', 'dark', 'auto'] as const
export const INPUT_PROVIDER_MAX = 100
export const INPUT_USERNAME_MAX = 50

/** The optional Link parameters a caller may set (flags of `grant delegate` and `link connect`). */
export interface LinkParams {
  state?: string
  test?: boolean
  products?: string
  credentialsId?: string
  inputProvider?: string
  inputUsername?: string
  sessionId?: string
  iframe?: boolean
  appUri?: string
  refreshableItems?: string
  theme?: string
  externalReference?: string
}

export interface LinkUrlInput extends LinkParams {
  linkBaseUrl: string
  flow: string
  clientId: string
  code: string
  market: string
  locale: string
  redirectUri?: string
}

export function checkFlow(flow: string): LinkFlow {
  const f = flow.replace(/^\/?(1\.0\/)?/, '') as LinkFlow
  if (!LINK_FLOWS.includes(f)) throw usageError(`Unknown Tink Link flow "${flow}"`, `Use one of: ${LINK_FLOWS.join(', ')}`)
  return f
}

function checkCommaList(value: string, flag: string, allowed?: readonly string[]): string {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => !s)) throw usageError(`${flag} has an empty item`, `Give a comma-separated list, e.g. ${flag} ${allowed?.slice(0, 2).join(',') ?? 'CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS'}`)
  for (const item of items) {
    if (allowed && !allowed.includes(item)) throw usageError(`Unknown ${flag} item "${item}"`, `Use any of: ${allowed.join(', ')}`)
    if (!allowed && !/^[A-Z][A-Z0-9_]*$/.test(item)) throw usageError(`${flag} item "${item}" is not an item name`, 'Item names are upper case with underscores, e.g. CHECKING_TRANSACTIONS')
  }
  return items.join(',')
}

function checkText(value: string | undefined, flag: string, max?: number): string | undefined {
  if (value === undefined) return undefined
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (!value.trim() || /[\u0000-\u001f\u007f]/.test(value)) throw usageError(`${flag} is empty or has control characters`, `Give a plain value to ${flag}`)
  if (max !== undefined && [...value].length > max) throw usageError(`${flag} is longer than ${max} characters (${[...value].length})`, `Tink Link accepts at most ${max}`)
  return value
}

/**
 * The flow's own requirements and Tink's rules for each parameter, before any request is sent.
 * Returns the parameters normalised (lists trimmed).
 */
export function checkLinkParams(flow: LinkFlow, p: LinkParams): LinkParams {
  const out: LinkParams = {...p}
  if (flow.startsWith('products/')) {
    if (!p.products) throw usageError(`--flow ${flow} needs --products`, 'e.g. --products ACCOUNT_CHECK,TRANSACTIONS')
  } else if (p.products !== undefined) {
    throw usageError(`--products applies to the products/* flows only, not ${flow}`, 'Use --flow products/connect-accounts, or drop --products')
  }
  if (p.products !== undefined) out.products = checkCommaList(p.products, '--products', LINK_PRODUCTS)
  if (CREDENTIALS_FLOWS.includes(flow)) {
    if (!p.credentialsId) throw usageError(`--flow ${flow} needs --credentials-id`, 'Give the id of the credentials this flow acts on')
  } else if (p.credentialsId !== undefined) {
    throw usageError(`--credentials-id applies to ${CREDENTIALS_FLOWS.join(', ')}; not ${flow}`, 'Drop --credentials-id, or pick a flow that acts on existing credentials')
  }
  out.credentialsId = checkText(p.credentialsId, '--credentials-id')
  if (p.refreshableItems !== undefined) {
    if (!flow.startsWith('transactions/') && !flow.startsWith('credentials/')) {
      throw usageError(`--refreshable-items applies to the transactions/* and credentials/* flows, not ${flow}`, 'Drop --refreshable-items for this flow')
    }
    out.refreshableItems = checkCommaList(p.refreshableItems, '--refreshable-items')
  }
  out.inputProvider = checkText(p.inputProvider, '--input-provider', INPUT_PROVIDER_MAX)
  out.inputUsername = checkText(p.inputUsername, '--input-username', INPUT_USERNAME_MAX)
  out.sessionId = checkText(p.sessionId, '--session-id')
  out.externalReference = checkText(p.externalReference, '--external-reference')
  out.state = checkText(p.state, '--state')
  if (p.theme !== undefined && !(LINK_THEMES as readonly string[]).includes(p.theme)) throw usageError(`Unknown --theme "${p.theme}"`, `Use one of: ${LINK_THEMES.join(', ')}`)
  if (p.appUri !== undefined) {
    try {
      new URL(p.appUri)
    } catch {
      throw usageError(`Invalid --app-uri "${p.appUri}"`, 'Give an absolute URI your mobile app handles, e.g. myapp://tink/callback')
    }
  }
  return out
}

export function buildLinkUrl(input: LinkUrlInput): string {
  const flow = checkFlow(input.flow)
  const p = checkLinkParams(flow, input)
  const url = new URL(`${input.linkBaseUrl.replace(/\/+$/, '')}/1.0/${flow}`)
  // Tink's query parameters in the order its examples write them; booleans appear only as true.
  const query: Array<[string, string | boolean | undefined]> = [
    ['client_id', input.clientId],
    ['redirect_uri', input.redirectUri],
    ['authorization_code', input.code],
    ['market', input.market],
    ['locale', input.locale],
    ['products', p.products],
    ['credentials_id', p.credentialsId],
    ['input_provider', p.inputProvider],
    ['input_username', p.inputUsername],
    ['session_id', p.sessionId],
    ['iframe', p.iframe],
    ['app_uri', p.appUri],
    ['refreshable_items', p.refreshableItems],
    ['theme', p.theme],
    ['external_reference', p.externalReference],
    ['state', p.state],
    ['test', p.test],
  ]
  for (const [name, value] of query) {
    if (typeof value === 'string') url.searchParams.set(name, value)
    else if (value === true) url.searchParams.set(name, 'true')
  }
  return url.toString()
}

/** True for http URLs on a loopback host (http/loopback.ts): `tink link connect` can listen there itself. */
export function isLoopbackRedirect(uri: URL): boolean {
  return uri.protocol === 'http:' && isLoopbackHost(uri.hostname)
}

/** What Tink Link sent to the redirect URI, parsed from its query. */
export interface LinkCallback {
  code?: string
  credentialsId?: string
  state?: string
  reportId?: string
  error?: {error: string; errorReason?: string; errorType?: string; message?: string; trackingId?: string; providerName?: string}
}

export function parseLinkCallback(q: URLSearchParams): LinkCallback {
  const get = (k: string): string | undefined => q.get(k) ?? undefined
  const out: LinkCallback = {code: get('code'), credentialsId: get('credentials_id'), state: get('state'), reportId: get('account_verification_report_id')}
  const error = get('error')
  if (error) {
    out.error = {error, errorReason: get('error_reason'), errorType: get('error_type'), message: get('message'), trackingId: get('tracking_id'), providerName: get('provider_name')}
  }
  return out
}
