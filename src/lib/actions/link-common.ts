/**
 * What `grant delegate`, `link url` and `link connect` share: the Link flags, the flow's checks,
 * and where a Link URL's market and locale come from (a flag or the environment; for an existing
 * user, else the user's own as Tink has them; never a profile default for a user).
 */
import {Flags} from '@oclif/core'
import type {Factory} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {usageError} from '../errors/cli-error.js'
import type {Resolved} from '../config/settings.js'
import type {UserRef} from '../tink/api.js'
import {
  checkFlow,
  checkLinkParams,
  flowMarketWarning,
  flowSpec,
  INPUT_PROVIDER_MAX,
  INPUT_USERNAME_MAX,
  LINK_PRODUCTS,
  LINK_THEMES,
  type LinkFlow,
  type LinkParams,
} from '../tink/link.js'
import {flowsOneTime, flowsForUser, LINK_FLOWS} from '../tink/link-flows.js'
import {defaultLocale, localeWarning, marketWarning} from '../tink/markets.js'
import {userInfo} from '../tink/user-info.js'
import {checkLocale, checkMarket} from '../tink/validate.js'

/** The Tink Link flow and parameters, shared by `grant delegate`, `link url` and `link connect`. */
export const linkFlags = {
  flow: Flags.string({description: `Tink Link flow: ${LINK_FLOWS.join(', ')}.`, default: 'transactions/connect-accounts'}),
  products: Flags.string({description: `Products for the products/* flows, comma-separated: ${LINK_PRODUCTS.join(', ')}.`}),
  'credentials-id': Flags.string({
    description: 'Credentials the flow acts on (the update-consent and extend-consent flows, credentials/refresh, credentials/authenticate, pay/credentials).',
  }),
  'payment-request-id': Flags.string({
    description: "The payment request the pay flows carry out (pay, pay/direct, pay/credentials; create it with Tink's Payments API).",
  }),
  'input-provider': Flags.string({
    description: `Preselect the bank by provider name (at most ${INPUT_PROVIDER_MAX} characters), e.g. uk-demobank-open-banking-redirect.`,
  }),
  'input-username': Flags.string({description: `Prefill the username at the bank (at most ${INPUT_USERNAME_MAX} characters).`}),
  'session-id': Flags.string({description: 'A Tink Link session (POST /link/v1/session) that prefills the customer.'}),
  'financial-institution-id': Flags.string({description: 'Preselect the financial institution (the connect-accounts flows).'}),
  'auto-redirect-mobile': Flags.boolean({description: 'Open the bank app directly on mobile (the products/* flows).'}),
  authenticate: Flags.boolean({description: 'Ask for a full authentication at the bank (credentials/refresh).'}),
  iframe: Flags.boolean({description: 'Tink Link runs in an iframe and reports by postMessage instead of redirecting.'}),
  'app-uri': Flags.string({description: 'URI of your mobile app, for banks that hand back through an app.'}),
  'refreshable-items': Flags.string({
    description:
      'Data to fetch, comma-separated, e.g. CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS (transactions and business-transactions connect, products/*, account-check/create-report).',
  }),
  theme: Flags.string({description: `Tink Link colour theme: ${LINK_THEMES.join(' or ')} (either case).`}),
  'external-reference': Flags.string({description: 'Your reference for the report flows (letters, digits, dashes; at most 50).'}),
  market: Flags.string({
    description: "Market for Tink Link (ISO 3166-1 alpha-2). Env: TINK_MARKET. Default for an existing user: the user's own (GET /api/v1/user).",
  }),
  locale: Flags.string({description: "Locale for Tink Link, e.g. sv_SE. Env: TINK_LOCALE. Default for an existing user: the user's own."}),
  test: Flags.boolean({description: 'Open Tink Link in test mode (demo banks).'}),
  'link-base-url': Flags.string({description: "Tink Link base URL; overrides the region's (link.tink.com, link.us.tink.com). Env: TINK_LINK_URL."}),
}

export type LinkFlagValues = CommandFlags<typeof linkFlags>

export function linkParamsFromFlags(flags: LinkFlagValues, state?: string): LinkParams {
  return {
    state,
    test: flags.test,
    products: flags.products,
    credentialsId: flags['credentials-id'],
    paymentRequestId: flags['payment-request-id'],
    inputProvider: flags['input-provider'],
    inputUsername: flags['input-username'],
    sessionId: flags['session-id'],
    financialInstitutionId: flags['financial-institution-id'],
    autoRedirectMobile: flags['auto-redirect-mobile'],
    authenticate: flags.authenticate,
    iframe: flags.iframe,
    appUri: flags['app-uri'],
    refreshableItems: flags['refreshable-items'],
    theme: flags.theme,
    externalReference: flags['external-reference'],
  }
}

/** The flow, refused when its access does not fit: one-time-only flows take no user, continuous-only flows need one. */
export function checkFlowFor(value: string, withUser: boolean, command: string): LinkFlow {
  const flow = checkFlow(value)
  const access = flowSpec(flow).access
  if (withUser && access === 'one-time') {
    throw usageError(
      `--flow ${flow} is one-time only: Tink starts it without a user or a delegated code`,
      `Use tink link url --flow ${flow} (no user), or one of the flows for permanent users: ${flowsForUser().join(', ')}`,
    )
  }
  if (!withUser && access === 'continuous') {
    throw usageError(
      `--flow ${flow} is for permanent users: it needs a user's delegated code`,
      `Give --external-user-id or --user-id (${command} with a user, or tink grant delegate), or a one-time flow: ${flowsOneTime().join(', ')}`,
    )
  }
  return flow
}

export function checkedLinkParams(flow: LinkFlow, flags: LinkFlagValues, state?: string): LinkParams {
  return checkLinkParams(flow, linkParamsFromFlags(flags, state))
}

/** A flag or environment value (a choice made for this run), never a profile's or built-in default. */
const explicit = (r: Resolved): boolean => r.source === 'flag' || r.source === 'env'

export interface MarketLocale {
  market?: string
  locale?: string
}

/**
 * The market and locale a Link URL carries. For an existing user: a flag or the environment, else
 * the user's own (GET /api/v1/user), looked up only when one of them is missing. For a one-time URL: a
 * flag, the environment or the profile; a flow that requires them and has none is a usage error
 * for the market, and takes the market's default locale for the locale. `known`: values the
 * caller already has (a user it just created), used before asking Tink. Warns (stderr) for a
 * market outside Tink's lists or the flow's, and a locale Tink Link does not list.
 */
export async function linkMarketLocale(f: Factory, flow: LinkFlow, user: UserRef | undefined, known?: MarketLocale): Promise<MarketLocale> {
  await f.run.setting('market') // traced for --verbose; the resolver memoises
  await f.run.setting('locale')
  const m = await f.settings().get('market')
  const l = await f.settings().get('locale')
  // A one-time URL has no user whose own could apply: the profile's default is a choice made for it.
  const usable = (r: Resolved | undefined): r is Resolved => r !== undefined && (explicit(r) || (!user && r.source === 'profile'))
  let market = usable(m) ? checkMarket(m.value, m.origin) : known?.market
  let locale = usable(l) ? checkLocale(l.value, l.origin) : known?.locale
  if (user && (market === undefined || locale === undefined)) {
    const own = await userInfo(await f.api(), user)
    f.print.trace(`* the user's own market ${own.market ?? '(none)'} and locale ${own.locale ?? '(none)'} from GET /api/v1/user`)
    market ??= own.market
    locale ??= own.locale
  }
  const spec = flowSpec(flow)
  if (!user && spec.marketRequired) {
    if (market === undefined)
      throw usageError(
        `--flow ${flow} needs --market: Tink requires it for this flow`,
        `Give one of ${spec.markets.join(' ')}, e.g. --market ${spec.markets.includes('GB') ? 'GB' : spec.markets[0]} (or set TINK_MARKET)`,
      )
    locale ??= defaultLocale(market)
  }
  if (market !== undefined) {
    const warning = marketWarning(market) ?? flowMarketWarning(flow, market)
    if (warning) f.print.warnLine(warning)
  }
  if (locale !== undefined) {
    const warning = localeWarning(locale)
    if (warning) f.print.warnLine(warning)
  }
  return {market, locale}
}

/** A market or locale given by flag or environment is checked before any request is sent. */
export async function checkExplicitMarketLocale(f: Factory): Promise<void> {
  const m = await f.settings().get('market')
  const l = await f.settings().get('locale')
  if (m && explicit(m)) checkMarket(m.value, m.origin)
  if (l && explicit(l)) checkLocale(l.value, l.origin)
}

export function checkRedirectUri(value: string, origin = '--redirect-uri'): URL {
  try {
    return new URL(value)
  } catch {
    throw usageError(
      `Invalid ${origin.replace(/^flag /, '')} "${value}"`,
      'Give an absolute URL registered for your app, e.g. https://console.tink.com/callback',
    )
  }
}

/** Tink Link requires redirect_uri (BAD_REQUEST / INVALID_PARAMETER_REDIRECT_URI without it): a URL without one would only fail in the customer's browser. */
export async function requiredRedirectUri(f: Factory): Promise<string> {
  const redirect = await f.settings().get('redirectUri')
  if (!redirect) {
    throw usageError(
      '--redirect-uri is required: Tink Link refuses a URL without one',
      "Add --redirect-uri https://console.tink.com/callback (Tink's own callback, registered for every Console app) or a URI registered for your app, set TINK_REDIRECT_URI, or save one in the profile (tink login)",
    )
  }
  f.print.trace(`* redirectUri from ${redirect.origin}`)
  checkRedirectUri(redirect.value, redirect.origin)
  return redirect.value
}
