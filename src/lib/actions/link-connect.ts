/**
 * `tink link connect`: a customer through Tink Link in the browser, and what the flow returns.
 * With a user: mints the delegated grant (continuous access); without one: a one-time URL. Sends
 * the browser through Tink Link with a random state, takes the callback (on a loopback redirect
 * URI by listening there; otherwise from the address the user pastes), then exchanges a code, or
 * for continuous access mints an authorization grant for --scope; a report or payment flow's id
 * is printed as Tink returned it.
 */
import {randomBytes} from 'node:crypto'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {TINK_LINK_SCOPES, type TokenResult, type UserRef} from '../tink/api.js'
import {checkFlow, flowSpec, isLoopbackRedirect, parseLinkCallback} from '../tink/link.js'
import {listenForCallback} from '../tink/link-callback.js'
import {defaultLocale} from '../tink/markets.js'
import {userInfo} from '../tink/user-info.js'
import {checkLocale, checkMarket, joinScopes} from '../tink/validate.js'
import {delegateFlags, delegateLink, prepareLinkRequest} from './grant-delegate.js'
import {callbackPage, checkCallback, pastedCallback, showUrl} from './link-connect-io.js'
import {checkRedirectUri, linkFlags, type MarketLocale} from './link-common.js'
import {oneTimeLink} from './link-url.js'

export const DATA_SCOPES = 'accounts:read,transactions:read,provider-consents:read,credentials:read'
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/callback'

export const linkConnectFlags = {
  ...userFlags,
  create: Flags.boolean({description: 'Create the user first (with --external-user-id) when Tink does not know them yet; an existing user is used as is.'}),
  ...linkFlags,
  ...delegateFlags,
  'id-hint': Flags.string({description: 'Name or e-mail shown in Tink Link. Default: the user id given.'}),
  scope: Flags.string({char: 's', description: `Scopes of the user token, comma-separated (repeatable). Default: ${DATA_SCOPES}.`, multiple: true}),
  'redirect-uri': Flags.string({
    description: `Where Tink Link returns. A loopback http URI (localhost, 127.0.0.1, [::1]) is listened on by tink itself; any other is pasted back. Env: TINK_REDIRECT_URI; else the profile's; else ${DEFAULT_REDIRECT_URI}.`,
  }),
  'no-browser': Flags.boolean({description: 'Do not open a browser: print the Tink Link URL on stderr.'}),
  wait: Flags.integer({description: 'Seconds to wait for the browser to come back.', default: 600, min: 1, max: 86_400}),
  raw: Flags.boolean({description: 'Print only the user access token and a newline.', exclusive: ['json']}),
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

type Flags_ = CommandFlags<typeof linkConnectFlags>

export async function linkConnect(f: Factory, flags: Flags_): Promise<Outcome<LinkConnectResult>> {
  const state = randomBytes(16).toString('hex')
  const withUser = flags['user-id'] !== undefined || flags['external-user-id'] !== undefined
  if (flags.create && flags['external-user-id'] === undefined)
    throw usageError('--create needs --external-user-id', 'Tink creates users by the id your app gives them: use --external-user-id ID --create')
  const scope = joinScopes(flags.scope) ?? DATA_SCOPES
  // Without a user, a report or payment flow returns its id and no code: --raw would have no token to print.
  if (flags.raw && !withUser) {
    const result = flowSpec(checkFlow(flags.flow)).result
    if (result !== 'credentials')
      throw usageError(
        `--raw prints a user token; --flow ${checkFlow(flags.flow)} returns ${result}, no token`,
        'Drop --raw (the id is printed), or use --json',
      )
  }
  const setting = await f.settings().get('redirectUri')
  const redirect = checkRedirectUri(setting?.value ?? DEFAULT_REDIRECT_URI, setting?.origin ?? 'the built-in default')
  f.print.trace(`* redirectUri from ${setting?.origin ?? 'built-in default'}`)
  const req = withUser
    ? await prepareLinkRequest(f, {...flags, 'id-hint': flags['id-hint'] ?? flags['external-user-id'] ?? flags['user-id']}, state, 'tink link connect')
    : undefined
  const creating = req && flags.create ? await createdMarketLocale(f) : undefined
  await f.run.preflight({needsCredentials: true})

  // Listen before anything is minted: a busy port must fail before a single-use code is spent.
  const listener = isLoopbackRedirect(redirect) ? await listenForCallback(redirect, (q) => callbackPage(parseLinkCallback(q), state)) : undefined
  try {
    const api = await f.api()
    const result: LinkConnectResult = {}
    let url: string
    if (req) {
      const user: UserRef = req.user
      let known: MarketLocale | undefined = creating
      if (creating && user.externalUserId !== undefined) {
        const id = await createIfNew(f, user.externalUserId, creating.market, creating.locale)
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
      url = (await delegateLink(f, {...req, known}, TINK_LINK_SCOPES, redirect.toString())).url
    } else {
      url = (await oneTimeLink(f, flags, redirect.toString(), state, 'tink link connect')).url
    }

    let q: URLSearchParams
    if (listener) {
      await showUrl(f, url, flags['no-browser'])
      f.print.note(`Waiting for Tink Link to return to ${redirect.toString()} (up to ${flags.wait} s; Ctrl-C stops)...`)
      q = await listener.next({signal: f.signal, waitSeconds: flags.wait})
    } else {
      f.print.note('Open this Tink Link URL in a browser and finish there:')
      f.print.note(url)
      q = await pastedCallback(f)
    }
    const cb = parseLinkCallback(q)
    checkCallback(cb, state)
    if (cb.credentialsId) result.credentials_id = cb.credentialsId
    if (cb.report) result[cb.report.name] = cb.report.id

    // A code is exchanged; continuous access (credentials_id, no code) mints a grant for the data scopes; a report or payment id is the answer itself.
    if (cb.code || (req && cb.credentialsId)) {
      const token = cb.code ? await api.exchangeCode(cb.code) : await api.exchangeCode((await api.grant(req!.user, scope)).code)
      // Cached as `tink api` and `token get --external-user-id` look it up: the next command for the same user and scopes needs no new grant.
      if (req) await api.cacheUserToken(req.user, cb.code ? (token.scope ?? scope) : scope, token)
      result.token = token
    }
    render(f, flags, result, Boolean(req))
    return {result}
  } finally {
    await listener?.close()
  }
}

/** --raw: the token alone; else the fields, the token itself only with --json (it is a secret on a screen). */
function render(f: Factory, flags: Flags_, result: LinkConnectResult, cached: boolean): void {
  const token = result.token
  if (flags.raw) {
    if (!token)
      throw new CliError('--raw prints a user token, and this flow returned none', {
        exitCode: ExitCode.LINK_FAILED,
        code: 'no_token',
        hint: 'Drop --raw: the flow returned a report or payment id (printed without it)',
      })
    f.io.stdout.write(token.access_token + '\n')
    return
  }
  f.print.out(
    formatFields([
      ['user_id', result.user_id],
      ['external_user_id', result.external_user_id],
      ['credentials_id', result.credentials_id],
      ['account_verification_report_id', result.account_verification_report_id],
      ['income_check_id', result.income_check_id],
      ['expense_check_id', result.expense_check_id],
      ['risk_insights_id', result.risk_insights_id],
      ['payment_request_id', result.payment_request_id],
      ['scope', token?.scope],
      ['expires_at', token?.expires_at],
    ]),
  )
  if (token && !f.json)
    f.print.note(
      cached
        ? 'The user token is in the token cache (tink api, tink token get use it); print it with --raw or --json.'
        : 'Print the user token with --raw or --json.',
    )
}

/** --create: the market (flag, env or profile, as user create) and its locale. */
async function createdMarketLocale(f: Factory): Promise<{market: string; locale: string}> {
  const m = await f.settings().get('market')
  const l = await f.settings().get('locale')
  if (!m || m.source === 'default')
    throw usageError('--create needs --market', 'Give the ISO 3166-1 alpha-2 market the user is created in, e.g. --market GB (or set TINK_MARKET)')
  const market = checkMarket(m.value, m.origin)
  return {market, locale: !l || l.source === 'default' ? defaultLocale(market) : checkLocale(l.value, l.origin)}
}

/** --create: the new user's id, or undefined when the user already exists (then used by external id). */
async function createIfNew(f: Factory, externalUserId: string, market: string, locale: string): Promise<string | undefined> {
  try {
    const created = await (await f.api()).createUser({external_user_id: externalUserId, market, locale})
    f.print.note(`Created user ${externalUserId} (user_id ${created.user_id})`)
    return created.user_id
  } catch (err) {
    if (err instanceof CliError && err.status === 409) {
      f.print.note(`User ${externalUserId} already exists; connecting it`)
      return undefined
    }
    throw err
  }
}
