/**
 * `tink link connect`: a customer through Tink Link in the browser, and what the flow returns.
 * With a user: the delegated code (continuous access); without one: a one-time URL. Sends the
 * browser through Tink Link with a random state, takes the callback (on a loopback redirect URI by
 * listening there; otherwise from the address the user pastes), then exchanges a code, or for
 * continuous access mints an authorization grant for the data scopes; a report or payment flow's
 * id is returned as Tink sent it.
 */
import {CliError} from '../../errors/cli-error.js'
import {TINK_LINK_SCOPES, type TinkApi, type TokenResult} from '../../tink/api.js'
import {isLoopbackRedirect, parseLinkCallback, type LinkParams} from '../../tink/link.js'
import {listenForCallback} from '../../tink/link-callback.js'
import {userInfo} from '../../tink/user-info.js'
import {delegateLink, type LinkRequest} from '../grant/delegate.js'
import {callbackPage, checkCallback, pastedCallback, showUrl, type ShowUrlOptions} from './browser.js'
import type {LinkDeps, MarketLocale} from './common.js'
import {oneTimeLink} from './url.js'

export interface ConnectOptions {
  redirect: URL
  /** The random state the URL carries: a callback with another is refused. */
  state: string
  /** Seconds to wait for the browser to come back to a loopback redirect URI. */
  waitSeconds: number
  noBrowser: boolean
  /** Scopes of the user token minted for continuous access (a credentials_id and no code). */
  scope: string
  /** With a user: the delegated Link request, settled before anything is sent. */
  request?: LinkRequest
  /** --create: the market and locale a user Tink does not know yet is created in. */
  create?: {market: string; locale: string}
  /** Without a user: the one-time flow and its Link parameters, as given. */
  oneTime: {flow: string; params: LinkParams}
}

export interface ConnectDeps extends LinkDeps, Pick<ShowUrlOptions, 'env' | 'open'> {
  api: TinkApi
  /** Ctrl-C: stops the wait for the browser. */
  signal: AbortSignal
  /** A line for people (stderr). */
  note: (line: string) => void
  /** The address the browser ended on, for a redirect URI tink cannot listen on (see pastedCallback). */
  paste: (validate: (v: string) => string | true) => Promise<string>
}

export interface LinkConnectResult {
  user_id?: string
  external_user_id?: string
  credentials_id?: string
  account_verification_report_id?: string
  income_check_id?: string
  expense_check_id?: string
  risk_insights_id?: string
  payment_request_id?: string
  token?: TokenResult
}

export async function connectLink(o: ConnectOptions, deps: ConnectDeps): Promise<LinkConnectResult> {
  const {api, note} = deps
  const req = o.request
  // Listen before anything is minted: a busy port must fail before a single-use code is spent.
  const listener = isLoopbackRedirect(o.redirect) ? await listenForCallback(o.redirect, (q) => callbackPage(parseLinkCallback(q), o.state)) : undefined
  try {
    const result: LinkConnectResult = {}
    let url: string
    if (req) {
      const user = req.user
      let known: MarketLocale | undefined = o.create
      if (o.create && user.externalUserId !== undefined) {
        const id = await createIfNew(api, note, user.externalUserId, o.create)
        if (id === undefined)
          known = undefined // an existing user keeps their own market and locale
        else result.user_id = id
      }
      // Always say who connected: the id Tink gave the user as well as the one given here.
      if (result.user_id === undefined) {
        const info = await userInfo(api, user)
        result.user_id = info.id ?? user.userId
        known ??= {market: info.market, locale: info.locale}
      }
      if (user.externalUserId !== undefined) result.external_user_id = user.externalUserId
      url = (await delegateLink(api, deps, {...req, known}, TINK_LINK_SCOPES, o.redirect.toString())).url
    } else {
      url = (await oneTimeLink(deps, {...o.oneTime, redirectUri: o.redirect.toString(), command: 'tink link connect'})).url
    }

    let q: URLSearchParams
    if (listener) {
      await showUrl(url, {noBrowser: o.noBrowser, env: deps.env, note, open: deps.open})
      note(`Waiting for Tink Link to return to ${o.redirect.toString()} (up to ${o.waitSeconds} s; Ctrl-C stops)...`)
      q = await listener.next({signal: deps.signal, waitSeconds: o.waitSeconds})
    } else {
      note('Open this Tink Link URL in a browser and finish there:')
      note(url)
      q = await pastedCallback(deps.paste)
    }
    const cb = parseLinkCallback(q)
    checkCallback(cb, o.state)
    if (cb.credentialsId) result.credentials_id = cb.credentialsId
    if (cb.report) result[cb.report.name] = cb.report.id

    // A code is exchanged; continuous access (credentials_id, no code) mints a grant for the data scopes; a report or payment id is the answer itself.
    if (cb.code || (req && cb.credentialsId)) {
      const token = cb.code ? await api.exchangeCode(cb.code) : await api.exchangeCode((await api.grant(req!.user, o.scope)).code)
      // Cached as `tink api` and `token get --external-user-id` look it up: the next command for the same user and scopes needs no new grant.
      if (req) await api.cacheUserToken(req.user, cb.code ? (token.scope ?? o.scope) : o.scope, token)
      result.token = token
    }
    return result
  } finally {
    await listener?.close()
  }
}

/** --create: the new user's id, or undefined when the user already exists (then used by external id). */
async function createIfNew(
  api: TinkApi,
  note: (line: string) => void,
  externalUserId: string,
  at: {market: string; locale: string},
): Promise<string | undefined> {
  try {
    const created = await api.createUser({external_user_id: externalUserId, market: at.market, locale: at.locale})
    note(`Created user ${externalUserId} (user_id ${created.user_id})`)
    return created.user_id
  } catch (err) {
    if (err instanceof CliError && err.status === 409) {
      note(`User ${externalUserId} already exists; connecting it`)
      return undefined
    }
    throw err
  }
}
