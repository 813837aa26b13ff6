/**
 * Tink Link URLs: what a support person sends a customer. The flows and what each takes are in
 * link-flows.ts (from Tink's Link references); every query value is URL-encoded by
 * URLSearchParams. Rules Tink states (lengths, enums, which flow takes or needs what) are
 * checked here, before any request is sent.
 */
import {isLoopbackHost} from '../http/loopback.js'
import {usageError} from '../errors/cli-error.js'
import {flowSpec, flowsTaking, LINK_FLOWS, LINK_PRODUCTS, LINK_THEMES, type LinkFlow, type LinkParamName, type LinkResult} from './link-flows.js'

export {LINK_FLOWS, LINK_PRODUCTS, LINK_THEMES, flowSpec, type LinkFlow} from './link-flows.js'

export const INPUT_PROVIDER_MAX = 100
export const INPUT_USERNAME_MAX = 50
// Report pages (income-check, risk-insights, account-check): external_reference is letters, digits and dashes, at most 50.
export const EXTERNAL_REFERENCE_MAX = 50

/** The optional Link parameters a caller may set (flags of `grant delegate`, `link url` and `link connect`). */
export interface LinkParams {
  state?: string
  test?: boolean
  products?: string
  credentialsId?: string
  paymentRequestId?: string
  inputProvider?: string
  inputUsername?: string
  sessionId?: string
  financialInstitutionId?: string
  autoRedirectMobile?: boolean
  authenticate?: boolean
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
  /** A delegated code (continuous access); none for a one-time URL. */
  code?: string
  market?: string
  locale?: string
  redirectUri?: string
}

/** Each parameter: its query name (as every Tink Link web reference page names it) and its flag. */
const PARAMS: ReadonlyArray<[keyof LinkParams, LinkParamName, string]> = [
  ['products', 'products', '--products'],
  ['credentialsId', 'credentials_id', '--credentials-id'],
  ['paymentRequestId', 'payment_request_id', '--payment-request-id'],
  ['inputProvider', 'input_provider', '--input-provider'],
  ['inputUsername', 'input_username', '--input-username'],
  ['sessionId', 'session_id', '--session-id'],
  ['financialInstitutionId', 'financial_institution_id', '--financial-institution-id'],
  ['autoRedirectMobile', 'auto_redirect_mobile', '--auto-redirect-mobile'],
  ['authenticate', 'authenticate', '--authenticate'],
  ['iframe', 'iframe', '--iframe'],
  ['appUri', 'app_uri', '--app-uri'],
  ['refreshableItems', 'refreshable_items', '--refreshable-items'],
  ['theme', 'theme', '--theme'],
  ['externalReference', 'external_reference', '--external-reference'],
]

export function checkFlow(flow: string): LinkFlow {
  const f = flow.replace(/^\/?(1\.0\/)?/, '').replace(/\/+$/, '') as LinkFlow
  if (!LINK_FLOWS.includes(f)) throw usageError(`Unknown Tink Link flow "${flow}"`, `Use one of: ${LINK_FLOWS.join(', ')}`)
  return f
}

function checkCommaList(value: string, flag: string, allowed?: readonly string[]): string {
  const items = value.split(',').map((s) => s.trim())
  if (items.some((s) => !s))
    throw usageError(
      `${flag} has an empty item`,
      `Give a comma-separated list, e.g. ${flag} ${allowed?.slice(0, 2).join(',') ?? 'CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS'}`,
    )
  for (const item of items) {
    if (allowed && !allowed.includes(item)) throw usageError(`Unknown ${flag} item "${item}"`, `Use any of: ${allowed.join(', ')}`)
    if (!allowed && !/^[A-Z][A-Z0-9_]*$/.test(item))
      throw usageError(`${flag} item "${item}" is not an item name`, 'Item names are upper case with underscores, e.g. CHECKING_TRANSACTIONS')
  }
  return items.join(',')
}

function checkText(value: string | undefined, flag: string, max?: number): string | undefined {
  if (value === undefined) return undefined
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (!value.trim() || /[\u0000-\u001f\u007f]/.test(value)) throw usageError(`${flag} is empty or has control characters`, `Give a plain value to ${flag}`)
  if (max !== undefined && [...value].length > max)
    throw usageError(`${flag} is longer than ${max} characters (${[...value].length})`, `Tink Link accepts at most ${max}`)
  return value
}

const given = (v: unknown): boolean => v !== undefined && v !== false

/**
 * The flow's own requirements and Tink's rules for each parameter, before any request is sent.
 * A parameter the flow does not take is refused naming the flows that take it. Returns the
 * parameters normalised (lists trimmed, theme upper case).
 */
export function checkLinkParams(flow: LinkFlow, p: LinkParams): LinkParams {
  const spec = flowSpec(flow)
  const accepted = new Set<string>([...spec.takes, ...spec.needs])
  for (const [key, name, flag] of PARAMS) {
    if (spec.needs.includes(name) && !given(p[key])) throw usageError(`--flow ${flow} needs ${flag}`, needHint(name))
    if (given(p[key]) && !accepted.has(name)) {
      throw usageError(
        `${flag} does not apply to --flow ${flow}`,
        `Tink takes ${name} on: ${flowsTaking(name).join(', ')}. Drop ${flag} or pick one of those flows`,
      )
    }
  }
  const out: LinkParams = {...p}
  if (p.products !== undefined) out.products = checkCommaList(p.products, '--products', LINK_PRODUCTS)
  if (p.refreshableItems !== undefined)
    out.refreshableItems = checkCommaList(p.refreshableItems, '--refreshable-items', spec.refreshable === 'any' ? undefined : spec.refreshable)
  out.credentialsId = checkText(p.credentialsId, '--credentials-id')
  out.paymentRequestId = checkText(p.paymentRequestId, '--payment-request-id')
  out.financialInstitutionId = checkText(p.financialInstitutionId, '--financial-institution-id')
  out.inputProvider = checkText(p.inputProvider, '--input-provider', INPUT_PROVIDER_MAX)
  out.inputUsername = checkText(p.inputUsername, '--input-username', INPUT_USERNAME_MAX)
  out.sessionId = checkText(p.sessionId, '--session-id')
  out.externalReference = checkText(p.externalReference, '--external-reference', EXTERNAL_REFERENCE_MAX)
  if (out.externalReference !== undefined && !/^[A-Za-z0-9-]+$/.test(out.externalReference)) {
    throw usageError(`--external-reference "${out.externalReference}" has characters Tink does not allow`, 'Use letters, digits and dashes only (at most 50)')
  }
  out.state = checkText(p.state, '--state')
  if (p.theme !== undefined) {
    const theme = p.theme.toUpperCase()
    if (!(LINK_THEMES as readonly string[]).includes(theme))
      throw usageError(`Unknown --theme "${p.theme}"`, `Use one of: ${LINK_THEMES.join(', ')} (either case)`)
    out.theme = theme
  }
  if (p.appUri !== undefined) {
    try {
      new URL(p.appUri)
    } catch {
      throw usageError(`Invalid --app-uri "${p.appUri}"`, 'Give an absolute URI your mobile app handles, e.g. myapp://tink/callback')
    }
  }
  return out
}

function needHint(name: LinkParamName): string {
  if (name === 'products') return `e.g. --products ACCOUNT_CHECK,TRANSACTIONS (any of ${LINK_PRODUCTS.join(', ')})`
  if (name === 'payment_request_id') return "Create the payment request with Tink's Payments API first, then give its id: --payment-request-id ID"
  return 'Give the id of the credentials this flow acts on'
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
    ['payment_request_id', p.paymentRequestId],
    ['financial_institution_id', p.financialInstitutionId],
    ['input_provider', p.inputProvider],
    ['input_username', p.inputUsername],
    ['session_id', p.sessionId],
    ['auto_redirect_mobile', p.autoRedirectMobile],
    ['authenticate', p.authenticate],
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

/** The warning for a market the flow does not serve, naming the flow's markets; undefined when it does. */
export function flowMarketWarning(flow: LinkFlow, market: string): string | undefined {
  const markets = flowSpec(flow).markets
  return markets.includes(market) ? undefined : `Tink documents --flow ${flow} for the markets ${markets.join(' ')}, not ${market}; the URL is built anyway`
}

/** True for http URLs on a loopback host (http/loopback.ts): `tink link connect` can listen there itself. */
export function isLoopbackRedirect(uri: URL): boolean {
  return uri.protocol === 'http:' && isLoopbackHost(uri.hostname)
}

// The ids a flow's success redirect carries: account-check, income-check, risk-insights, payment-initiation reference pages; Expense Check SDK reference.
export const REPORT_IDS: ReadonlyArray<Exclude<LinkResult, 'credentials'>> = [
  'account_verification_report_id',
  'income_check_id',
  'expense_check_id',
  'risk_insights_id',
  'payment_request_id',
]

/** What Tink Link sent to the redirect URI, parsed from its query. */
export interface LinkCallback {
  code?: string
  credentialsId?: string
  state?: string
  /** The report or payment id and its name, for the flows that return one. */
  report?: {name: (typeof REPORT_IDS)[number]; id: string}
  error?: {error: string; errorReason?: string; errorType?: string; message?: string; trackingId?: string; providerName?: string; paymentRequestId?: string}
}

export function parseLinkCallback(q: URLSearchParams): LinkCallback {
  const get = (k: string): string | undefined => q.get(k) ?? undefined
  const out: LinkCallback = {code: get('code'), credentialsId: get('credentials_id'), state: get('state')}
  const name = REPORT_IDS.find((k) => get(k) !== undefined)
  if (name) out.report = {name, id: get(name) as string}
  const error = get('error')
  if (error) {
    out.error = {
      error,
      errorReason: get('error_reason'),
      errorType: get('error_type'),
      message: get('message'),
      trackingId: get('tracking_id'),
      providerName: get('provider_name'),
      paymentRequestId: get('payment_request_id'),
    }
  }
  return out
}
