/**
 * Tink Link pages (/1.0/<flow>): GET shows the Demo Bank chooser, POST sends the user back to the
 * redirect_uri with what Tink returns for the flow (Tink Link web reference: each flow's page, and
 * errors). Parameter checks follow the flow table in tables/flows.ts.
 */
import {randomUUID} from 'node:crypto'

import {TINK_LINK_CLIENT_ID} from '../clients.js'
import {type Core, type Ctx, HTML_CT, type Reply} from '../context.js'
import {isBankChoice, isLoopbackRedirect, renderChooser, renderErrorPage} from '../link-pages.js'
import type {UserRecord} from '../state.js'
import {flowSpec, LINK_PRODUCTS, LINK_THEMES} from '../tables/flows.js'
import {LINK_LOCALES, TINK_MARKETS} from '../tables/markets.js'
import {linkOutcome} from './link-outcome.js'
import type {RouteDef} from '../router.js'

export function linkRoutes(core: Core): RouteDef[] {
  return [{pattern: /^\/1\.0\/(.+)$/, methods: ['GET', 'POST'], handler: (c) => link(core, c)}]
}

export type Back = (params: Record<string, string | undefined>) => Reply

function link(core: Core, ctx: Ctx): Reply {
  const flow = ctx.params[0]
  const q = ctx.query
  const trackingId = randomUUID()
  const locale = q.get('locale') ?? undefined
  const html = (status: number, body: string): Reply => ({status, body, contentType: HTML_CT})
  // Where Tink Link cannot send the user back, it shows the error itself.
  const page = (reason: string, message: string, status = 400): Reply =>
    html(status, renderErrorPage({error: 'BAD_REQUEST', reason, message, trackingId, locale}))

  const spec = flowSpec(flow)
  if (!spec) return page('UNKNOWN_FLOW', `There is no Tink Link flow "${flow}".`, 404)
  const clientId = q.get('client_id')
  if (!clientId) return page('INVALID_PARAMETER_CLIENT_ID', 'The client_id parameter is missing.')
  if (!core.clients.has(clientId)) return page('INVALID_PARAMETER_CLIENT_ID', `The client_id "${clientId}" is not a known app.`)
  const redirectUri = q.get('redirect_uri')
  if (!redirectUri) return page('INVALID_PARAMETER_REDIRECT_URI', 'The redirect_uri parameter is missing.')
  if (!URL.canParse(redirectUri)) return page('INVALID_PARAMETER_REDIRECT_URI', `The redirect_uri "${redirectUri}" is malformed.`)
  if (!isLoopbackRedirect(redirectUri) && !core.redirectUris.has(redirectUri)) {
    return page('INVALID_STATE_REDIRECT_URI', `The redirect_uri "${redirectUri}" is not registered for the app ${clientId}.`)
  }

  const state = q.get('state') ?? undefined
  const back: Back = (params) => {
    const target = new URL(redirectUri)
    for (const [k, v] of Object.entries({...params, state})) if (v !== undefined) target.searchParams.set(k, v)
    return {status: 303, headers: {location: target.toString()}}
  }
  const bad = (reason: string, message: string): Reply => back({error: 'BAD_REQUEST', error_reason: reason, message, tracking_id: trackingId})

  const market = q.get('market') ?? undefined
  // A market outside every Tink list is refused: the emulator's choice (Tink may add markets).
  if (market !== undefined && !TINK_MARKETS.has(market)) return bad('INVALID_PARAMETER_MARKET', `The market "${market}" is not one of Tink's markets.`)
  if (locale !== undefined && !(LINK_LOCALES as readonly string[]).includes(locale))
    return bad('INVALID_PARAMETER_LOCALE', `The locale "${locale}" is not one of Tink Link's locales.`)
  const theme = q.get('theme') ?? undefined
  if (theme !== undefined && !(LINK_THEMES as readonly string[]).includes(theme))
    return bad('INVALID_PARAMETER_THEME', `The theme "${theme}" is not ${LINK_THEMES.join(' or ')}.`)
  const inputProvider = q.get('input_provider')
  if (inputProvider !== null && inputProvider.length > 100) return bad('INVALID_PARAMETER_INPUT_PROVIDER', 'input_provider is longer than 100 characters.')
  const inputUsername = q.get('input_username')
  if (inputUsername !== null && inputUsername.length > 50) return bad('INVALID_PARAMETER_INPUT_USERNAME', 'input_username is longer than 50 characters.')
  const items = q.get('refreshable_items') ?? undefined
  if (items !== undefined) {
    if (!spec.refreshableItems) return bad('INVALID_PARAMETER_REFRESHABLE_ITEMS', `The flow ${flow} takes no refreshable_items.`)
    const unknown = items.split(',').filter((i) => !spec.refreshableItems!.includes(i))
    if (unknown.length > 0) return bad('INVALID_PARAMETER_REFRESHABLE_ITEMS', `Unknown refreshable_items for ${flow}: ${unknown.join(',')}.`)
  }
  const products = q.get('products') ?? undefined
  if (spec.takesProducts) {
    if (!products) return bad('INVALID_PARAMETER_PRODUCTS', `The flow ${flow} needs the products parameter.`)
    const unknown = products.split(',').filter((p) => !(LINK_PRODUCTS as readonly string[]).includes(p))
    if (unknown.length > 0) return bad('INVALID_PARAMETER_PRODUCTS', `Unknown products: ${unknown.join(',')} (Tink's are ${LINK_PRODUCTS.join(', ')}).`)
  }
  // Tink Link web reference, account-check and risk-insights: external_reference is letters, digits and dashes, at most 50.
  const externalReference = q.get('external_reference')
  if (externalReference !== null && spec.takesExternalReference && !/^[A-Za-z0-9-]{1,50}$/.test(externalReference)) {
    return bad('INVALID_PARAMETER_EXTERNAL_REFERENCE', 'external_reference takes at most 50 letters, digits and dashes.')
  }
  const paymentRequestId = q.get('payment_request_id') ?? undefined
  if (spec.needsPaymentRequestId && !paymentRequestId) return bad('INVALID_PARAMETER_PAYMENT_REQUEST_ID', `The flow ${flow} needs payment_request_id.`)

  const codeText = q.get('authorization_code') ?? undefined
  let user: UserRecord | undefined
  if (codeText !== undefined) {
    const invalid = (why: string): Reply => bad('INVALID_PARAMETER_AUTHORIZATION_CODE', `The authorization_code ${why}.`)
    if (spec.access === 'one-time') return invalid(`is not taken by ${flow}, a one-time flow`)
    const code = core.store.codes.get(codeText)
    if (!code) return invalid('is unknown or was already used')
    if (code.expiresAt <= core.now()) return invalid('has expired')
    // Only a delegated grant for Tink Link's own client id, minted by this app, starts a flow.
    if (!code.delegated || code.clientId !== TINK_LINK_CLIENT_ID)
      return invalid(`was not minted by authorization-grant/delegate for actor ${TINK_LINK_CLIENT_ID}`)
    if (code.issuer !== clientId) return invalid('was issued to another app')
    user = core.store.getUser(code.userId)
    if (!user) return invalid('belongs to a user that no longer exists')
  } else {
    if (spec.access === 'continuous')
      return bad('INVALID_PARAMETER_AUTHORIZATION_CODE', `The flow ${flow} is for permanent users: it needs authorization_code.`)
    // One-time access has no user whose market and locale could apply.
    if (spec.marketLocaleRequired && market === undefined) return bad('INVALID_PARAMETER_MARKET', `The flow ${flow} needs market.`)
    if (spec.marketLocaleRequired && locale === undefined) return bad('INVALID_PARAMETER_LOCALE', `The flow ${flow} needs locale.`)
  }

  const credentialsId = q.get('credentials_id') ?? undefined
  if (spec.needsCredentialsId && !credentialsId) return bad('INVALID_PARAMETER_CREDENTIALS_ID', `The flow ${flow} needs credentials_id.`)
  const existing = credentialsId === undefined ? undefined : core.store.userData.get(user?.user_id ?? '')?.credentials.find((c) => c.id === credentialsId)
  if (credentialsId !== undefined && spec.needsCredentialsId && !existing) {
    return bad('INVALID_PARAMETER_CREDENTIALS_ID', `The user has no credentials with id "${credentialsId}".`)
  }

  const action = ctx.req.url ?? ''
  const idHint = codeText !== undefined ? core.store.codes.get(codeText)?.idHint : undefined
  const dark = theme === 'DARK'
  if (ctx.req.method === 'GET') return html(200, renderChooser({flow, action, locale, idHint, dark}))

  // POST: the bank was chosen.
  const choice = new URLSearchParams(ctx.body).get('bank') ?? undefined
  if (!isBankChoice(choice)) return html(400, renderChooser({flow, action, locale, idHint, dark, problem: 'Choose a bank to continue.'}))
  // The connection consumes the delegated code, whatever the bank answers.
  if (codeText !== undefined) core.store.codes.delete(codeText)
  return linkOutcome(core, {flow, spec, choice, clientId, user, existing: existing?.id, market, locale, products, paymentRequestId, trackingId, back})
}
