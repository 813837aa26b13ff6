/** `tink grant delegate`: a delegated code for Tink Link, and the Tink Link URL to send the customer. */
import type {GlobalFlags} from '../context.js'
import {usageError} from '../errors.js'
import type {Invocation} from '../invocation.js'
import {buildLinkUrl, checkFlow, checkFlowParams} from '../link.js'
import {askText, canPrompt} from '../prompt.js'
import {TINK_LINK_SCOPES} from '../tink.js'
import {userRef} from '../user-flags.js'
import {checkId, checkIdHint, checkLocale, checkMarket, joinScopes} from '../validate.js'

export interface GrantDelegateFlags extends GlobalFlags {
  'external-user-id'?: string
  'user-id'?: string
  scope?: string[]
  'id-hint'?: string
  'actor-client-id': string
  flow: string
  products?: string
  'credentials-id'?: string
  state?: string
  test?: boolean
}

export async function grantDelegate(inv: Invocation<GrantDelegateFlags>): Promise<{code: string; url: string}> {
  const {flags, ctx} = inv
  const user = userRef(flags)
  const scope = joinScopes(flags.scope) ?? TINK_LINK_SCOPES
  const flow = checkFlow(flags.flow)
  checkFlowParams(flow, flags.products, flags['credentials-id'])
  const actor = checkId(flags['actor-client-id'], '--actor-client-id')
  // The origin goes into the message: a bad TINK_MARKET must not be blamed on a --market never typed.
  await ctx.setting('market') // traced for --verbose; the resolver memoises, so get() below is free
  await ctx.setting('locale')
  const marketSetting = await ctx.settings.get('market')
  const localeSetting = await ctx.settings.get('locale')
  const market = checkMarket(marketSetting?.value ?? 'GB', marketSetting?.origin)
  const locale = checkLocale(localeSetting?.value ?? 'en_US', localeSetting?.origin)
  const redirectUri = await ctx.setting('redirectUri')
  if (redirectUri) {
    try {
      new URL(redirectUri)
    } catch {
      throw usageError(`Invalid --redirect-uri "${redirectUri}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
    }
  }
  let idHint = flags['id-hint']
  if (idHint === undefined) {
    if (!canPrompt(inv.io)) throw usageError('--id-hint is required: Tink Link shows it to the customer', 'Add --id-hint "Jane Doe" (a name or e-mail the customer recognises)')
    idHint = await askText(inv.io, 'Name or e-mail to show the customer in Tink Link (id hint):')
  }
  idHint = checkIdHint(idHint)
  const linkBaseUrl = await ctx.linkBaseUrl()
  await ctx.preflight({needsCredentials: true})

  const api = await ctx.api()
  const {clientId} = await ctx.credentials()
  const {code} = await api.delegate(user, scope, idHint, actor)
  const url = buildLinkUrl({
    linkBaseUrl,
    flow,
    clientId,
    code,
    market,
    locale,
    redirectUri,
    state: flags.state,
    test: flags.test,
    products: flags.products,
    credentialsId: flags['credentials-id'],
  })
  if (!redirectUri && !inv.json) inv.warnLine('no --redirect-uri: Tink Link will use the first redirect URI registered for your app')
  inv.out(url)
  return {code, url}
}
