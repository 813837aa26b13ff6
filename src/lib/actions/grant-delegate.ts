/** `tink grant delegate`: a delegated code for Tink Link, and the Tink Link URL to send the customer. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {askText, canPrompt} from '../cli/prompt.js'
import {userRef} from '../cli/user-ref.js'
import {CliError, tinkSaid, usageError} from '../errors/cli-error.js'
import {TINK_LINK_ACTOR_CLIENT_ID, TINK_LINK_SCOPES, type UserRef} from '../tink/api.js'
import {buildLinkUrl, checkFlow, checkLinkParams, INPUT_PROVIDER_MAX, INPUT_USERNAME_MAX, LINK_FLOWS, LINK_PRODUCTS, LINK_THEMES, type LinkFlow, type LinkParams} from '../tink/link.js'
import {checkId, checkIdHint, checkLocale, checkMarket, joinScopes} from '../tink/validate.js'

/** The Tink Link flow and parameters, shared by `grant delegate` and `link connect`. */
export const linkFlags = {
  flow: Flags.string({description: `Tink Link flow: ${LINK_FLOWS.join(', ')}.`, default: 'transactions/connect-accounts'}),
  products: Flags.string({description: `Products for the products/* flows, comma-separated: ${LINK_PRODUCTS.join(', ')}.`}),
  'credentials-id': Flags.string({description: 'Credentials the flow acts on (the update-consent, extend-consent, credentials/refresh and credentials/authenticate flows).'}),
  'input-provider': Flags.string({description: `Preselect the bank by provider name (at most ${INPUT_PROVIDER_MAX} characters), e.g. uk-demobank-open-banking-redirect.`}),
  'input-username': Flags.string({description: `Prefill the username at the bank (at most ${INPUT_USERNAME_MAX} characters).`}),
  'session-id': Flags.string({description: 'A Tink Link session (POST /link/v1/session) that prefills the customer.'}),
  iframe: Flags.boolean({description: 'Tink Link runs in an iframe and reports by postMessage instead of redirecting.'}),
  'app-uri': Flags.string({description: 'URI of your mobile app, for banks that hand back through an app.'}),
  'refreshable-items': Flags.string({description: 'Data to fetch, comma-separated, e.g. CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS (transactions/* and credentials/* flows).'}),
  theme: Flags.string({description: `Tink Link colour theme: ${LINK_THEMES.join(', ')}.`}),
  'external-reference': Flags.string({description: 'Your own reference, passed through to Tink (reports, webhooks).'}),
  market: Flags.string({description: 'Market for Tink Link (ISO 3166-1 alpha-2). Env: TINK_MARKET. Default: GB.'}),
  locale: Flags.string({description: 'Locale for Tink Link, e.g. en_US. Env: TINK_LOCALE. Default: en_US.'}),
  test: Flags.boolean({description: 'Open Tink Link in test mode (demo banks).'}),
  'link-base-url': Flags.string({description: "Tink Link base URL; overrides the region's (link.tink.com, link.us.tink.com). Env: TINK_LINK_URL."}),
  'id-hint': Flags.string({description: 'Name or e-mail shown to the customer in Tink Link (required by Tink; prompted for on a terminal).'}),
  'actor-client-id': Flags.string({description: 'The client acting on the code.', default: TINK_LINK_ACTOR_CLIENT_ID}),
}

export const grantDelegateFlags = {
  ...userFlags,
  scope: Flags.string({char: 's', description: `Scopes delegated to Tink Link, comma-separated (repeatable). Default: ${TINK_LINK_SCOPES}.`, multiple: true}),
  ...linkFlags,
  'redirect-uri': Flags.string({description: 'Where Tink Link sends the customer afterwards (must be registered for your app). Env: TINK_REDIRECT_URI. Required.'}),
  state: Flags.string({description: 'Opaque value passed back to your redirect URI.'}),
}

type LinkFlagValues = CommandFlags<typeof linkFlags>

/** Everything a delegated Link request needs, settled before any request is sent. */
export interface LinkRequest {
  user: UserRef
  flow: LinkFlow
  params: LinkParams
  actor: string
  idHint: string
  market: string
  locale: string
  linkBaseUrl: string
}

export function linkParamsFromFlags(flags: LinkFlagValues, state?: string): LinkParams {
  return {
    state,
    test: flags.test,
    products: flags.products,
    credentialsId: flags['credentials-id'],
    inputProvider: flags['input-provider'],
    inputUsername: flags['input-username'],
    sessionId: flags['session-id'],
    iframe: flags.iframe,
    appUri: flags['app-uri'],
    refreshableItems: flags['refreshable-items'],
    theme: flags.theme,
    externalReference: flags['external-reference'],
  }
}

/** Checks the user, flow, parameters, market, locale and id hint (asked for on a terminal). */
export async function prepareLinkRequest(f: Factory, flags: LinkFlagValues & {'external-user-id'?: string; 'user-id'?: string}, state?: string): Promise<LinkRequest> {
  const user = userRef(flags)
  const flow = checkFlow(flags.flow)
  const params = checkLinkParams(flow, linkParamsFromFlags(flags, state))
  const actor = checkId(flags['actor-client-id'], '--actor-client-id')
  // The origin goes into the message: a bad TINK_MARKET must not be blamed on a --market never typed.
  await f.setting('market') // traced for --verbose; the resolver memoises, so get() below is free
  await f.setting('locale')
  const marketSetting = await f.settings().get('market')
  const localeSetting = await f.settings().get('locale')
  const market = checkMarket(marketSetting?.value ?? 'GB', marketSetting?.origin)
  const locale = checkLocale(localeSetting?.value ?? 'en_US', localeSetting?.origin)
  let idHint = flags['id-hint']
  if (idHint === undefined) {
    if (!canPrompt(f.io)) throw usageError('--id-hint is required: Tink Link shows it to the customer', 'Add --id-hint "Jane Doe" (a name or e-mail the customer recognises)')
    idHint = await askText(f.io, 'Name or e-mail to show the customer in Tink Link (id hint):')
  }
  idHint = checkIdHint(idHint)
  const linkBaseUrl = await f.linkBaseUrl()
  return {user, flow, params, actor, idHint, market, locale, linkBaseUrl}
}

export function checkRedirectUri(value: string, origin = '--redirect-uri'): URL {
  try {
    return new URL(value)
  } catch {
    throw usageError(`Invalid ${origin.replace(/^flag /, "")} "${value}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
  }
}

/** Mints the delegated code and builds the Tink Link URL. */
export async function delegateLink(f: Factory, req: LinkRequest, scope: string, redirectUri: string): Promise<{code: string; url: string}> {
  const api = await f.api()
  const {clientId} = await f.credentials()
  const {code} = await api.delegate(req.user, scope, req.idHint, req.actor).catch((err: unknown) => {
    throw unknownUser(err, req.user, req.market)
  })
  const url = buildLinkUrl({linkBaseUrl: req.linkBaseUrl, flow: req.flow, clientId, code, market: req.market, locale: req.locale, redirectUri, ...req.params})
  return {code, url}
}

export async function grantDelegate(f: Factory, flags: CommandFlags<typeof grantDelegateFlags>): Promise<Outcome<{code: string; url: string}>> {
  const scope = joinScopes(flags.scope) ?? TINK_LINK_SCOPES
  const req = await prepareLinkRequest(f, flags, flags.state)
  const redirect = await f.settings().get('redirectUri')
  // Tink Link requires redirect_uri (BAD_REQUEST / INVALID_PARAMETER_REDIRECT_URI without it):
  // a URL without one would only fail in the customer's browser.
  if (!redirect) {
    throw usageError('--redirect-uri is required: Tink Link refuses a URL without one', 'Add --redirect-uri https://example.com/callback (a URI registered for your app), set TINK_REDIRECT_URI, or save one in the profile (tink login)')
  }
  f.trace(`* redirectUri from ${redirect.origin}`)
  checkRedirectUri(redirect.value, redirect.origin)
  await f.preflight({needsCredentials: true})

  const {code, url} = await delegateLink(f, req, scope, redirect.value)
  f.out(url)
  return {result: {code, url}}
}

/** A delegate for a user Tink does not know (404): the user has to be created first; say how. */
function unknownUser(err: unknown, user: UserRef, market: string): unknown {
  if (!tinkSaid(err, 404) || !(err instanceof CliError)) return err
  const hint =
    user.externalUserId !== undefined
      ? `Create the user first: tink user create --external-user-id ${shellWord(user.externalUserId)} --market ${market}`
      : 'Check the --user-id (users belong to the app that created them), or create the user first with tink user create'
  return new CliError(err.message, {exitCode: err.exitCode, status: 404, code: err.code, requestId: err.requestId, hint, cause: err})
}

const shellWord = (w: string): string => (/^[\w.@:+-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`)
