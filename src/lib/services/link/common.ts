/**
 * What the Tink Link services share (`grant delegate`, `link url`, `link connect`): which flows a
 * run with or without a user may start, where a Link URL's market and locale come from (a flag or
 * the environment; for an existing user, else the user's own as Tink has them; never a profile
 * default for a user), and the redirect URI's checks.
 */
import type {Resolved, SettingKey} from '../../config/settings.js'
import {usageError} from '../../errors/cli-error.js'
import type {ClientCredentials, TinkApi, UserRef} from '../../tink/api.js'
import {checkFlow, flowMarketWarning, flowSpec, type LinkFlow} from '../../tink/link.js'
import {flowsOneTime, flowsForUser} from '../../tink/link-flows.js'
import {defaultLocale, localeWarning, marketWarning} from '../../tink/markets.js'
import {userInfo} from '../../tink/user-info.js'
import {checkLocale, checkMarket} from '../../tink/validate.js'

/** What the Link services read and say: the run's settings, and lines for people on stderr. */
export interface LinkDeps {
  /** A setting (market, locale, redirectUri, clientId) with where it came from. */
  setting: (key: SettingKey) => Promise<Resolved | undefined>
  /** The Tink Link base URL: the region's, or --link-base-url checked. */
  linkBaseUrl: () => Promise<string>
  /** The client id and secret (exit 3 when missing). */
  credentials: () => Promise<ClientCredentials>
  /** A --verbose line. */
  trace: (line: string) => void
  warn: (line: string) => void
}

export interface MarketLocale {
  market?: string
  locale?: string
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

/** A flag or environment value (a choice made for this run), never a profile's or built-in default. */
const explicit = (r: Resolved): boolean => r.source === 'flag' || r.source === 'env'

/** A setting, traced with its origin for --verbose. */
async function traced(deps: LinkDeps, key: SettingKey): Promise<Resolved | undefined> {
  const r = await deps.setting(key)
  if (r) deps.trace(`* ${key} from ${r.origin}`)
  return r
}

/**
 * The market and locale a Link URL carries. For an existing user: a flag or the environment, else
 * the user's own (GET /api/v1/user through `api`), looked up only when one of them is missing. For
 * a one-time URL: a flag, the environment or the profile; a flow that requires them and has none
 * is a usage error for the market, and takes the market's default locale for the locale. `known`:
 * values the caller already has (a user it just created), used before asking Tink. Warns for a
 * market outside Tink's lists or the flow's, and a locale Tink Link does not list.
 */
export async function linkMarketLocale(deps: LinkDeps, flow: LinkFlow, forUser?: {api: TinkApi; user: UserRef; known?: MarketLocale}): Promise<MarketLocale> {
  const m = await traced(deps, 'market')
  const l = await traced(deps, 'locale')
  const user = forUser?.user
  // A one-time URL has no user whose own could apply: the profile's default is a choice made for it.
  const usable = (r: Resolved | undefined): r is Resolved => r !== undefined && (explicit(r) || (!user && r.source === 'profile'))
  let market = usable(m) ? checkMarket(m.value, m.origin) : forUser?.known?.market
  let locale = usable(l) ? checkLocale(l.value, l.origin) : forUser?.known?.locale
  if (forUser && (market === undefined || locale === undefined)) {
    const own = await userInfo(forUser.api, forUser.user)
    deps.trace(`* the user's own market ${own.market ?? '(none)'} and locale ${own.locale ?? '(none)'} from GET /api/v1/user`)
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
    if (warning) deps.warn(warning)
  }
  if (locale !== undefined) {
    const warning = localeWarning(locale)
    if (warning) deps.warn(warning)
  }
  return {market, locale}
}

/** A market or locale given by flag or environment is checked before any request is sent. */
export async function checkExplicitMarketLocale(deps: Pick<LinkDeps, 'setting'>): Promise<void> {
  const m = await deps.setting('market')
  const l = await deps.setting('locale')
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
export async function requiredRedirectUri(deps: Pick<LinkDeps, 'setting' | 'trace'>): Promise<string> {
  const redirect = await deps.setting('redirectUri')
  if (!redirect) {
    throw usageError(
      '--redirect-uri is required: Tink Link refuses a URL without one',
      "Add --redirect-uri https://console.tink.com/callback (Tink's own callback, registered for every Console app) or a URI registered for your app, set TINK_REDIRECT_URI, or save one in the profile (tink login)",
    )
  }
  deps.trace(`* redirectUri from ${redirect.origin}`)
  checkRedirectUri(redirect.value, redirect.origin)
  return redirect.value
}
