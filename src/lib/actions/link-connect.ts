/**
 * `tink link connect`: a connected user and a working user token now. Mints the delegated grant,
 * sends the browser through Tink Link with a random state, takes the callback (on a loopback
 * redirect URI by listening there; otherwise from the address the user pastes), then exchanges the
 * code, or without one (continuous access) mints an authorization grant for --scope.
 */
import {randomBytes} from 'node:crypto'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {askText, canPrompt} from '../cli/prompt.js'
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'
import {TINK_LINK_SCOPES, type TokenResult, type UserRef} from '../tink/api.js'
import {isLoopbackRedirect, parseLinkCallback, type LinkCallback} from '../tink/link.js'
import {listenForCallback, type CallbackPage} from '../tink/link-callback.js'
import {checkLocale, checkMarket, joinScopes} from '../tink/validate.js'
import {checkRedirectUri, delegateLink, linkFlags, prepareLinkRequest} from './grant-delegate.js'

export const DATA_SCOPES = 'accounts:read,balances:read,transactions:read,provider-consents:read,credentials:read'
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/callback'

export const linkConnectFlags = {
  ...userFlags,
  create: Flags.boolean({description: 'Create the user first (with --external-user-id) when Tink does not know them yet; an existing user is used as is.'}),
  ...linkFlags,
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
  token: TokenResult
}

export async function linkConnect(f: Factory, flags: CommandFlags<typeof linkConnectFlags>): Promise<Outcome<LinkConnectResult>> {
  const state = randomBytes(16).toString('hex')
  const req = await prepareLinkRequest(f, {...flags, 'id-hint': flags['id-hint'] ?? flags['external-user-id'] ?? flags['user-id']}, state)
  if (flags.create && req.user.externalUserId === undefined) throw usageError('--create needs --external-user-id', 'Tink creates users by the id your app gives them: use --external-user-id ID --create')
  const scope = joinScopes(flags.scope) ?? DATA_SCOPES
  const setting = await f.settings().get('redirectUri')
  const redirect = checkRedirectUri(setting?.value ?? DEFAULT_REDIRECT_URI, setting?.origin ?? 'the built-in default')
  f.trace(`* redirectUri from ${setting?.origin ?? 'built-in default'}`)
  await f.preflight({needsCredentials: true})

  // Listen before anything is minted: a busy port must fail before a single-use code is spent.
  const loopback = isLoopbackRedirect(redirect)
  const listener = loopback ? await listenForCallback(redirect, (q) => callbackPage(parseLinkCallback(q), state)) : undefined
  try {
    const api = await f.api()
    // The user as it was given: Tink takes either id, and the seed contract declares external_user_id.
    const user: UserRef = req.user
    let userId = req.user.userId
    if (flags.create && req.user.externalUserId !== undefined) userId = await createIfNew(f, req.user.externalUserId, req.market, req.locale)

    const {url} = await delegateLink(f, {...req, user}, TINK_LINK_SCOPES, redirect.toString())
    let q: URLSearchParams
    if (listener) {
      await showUrl(f, url, flags['no-browser'])
      f.note(`Waiting for Tink Link to return to ${redirect.toString()} (up to ${flags.wait} s; Ctrl-C stops)...`)
      q = await listener.next({signal: f.signal, waitSeconds: flags.wait})
    } else {
      f.note('Open this Tink Link URL in a browser and finish there:')
      f.note(url)
      q = await pastedCallback(f)
    }
    const cb = parseLinkCallback(q)
    checkCallback(cb, state)

    const token = cb.code ? await api.exchangeCode(cb.code) : await api.exchangeCode((await api.grant(user, scope)).code)
    // Cached as `tink api` and `token get --external-user-id` look it up: the next command for the same user and scopes needs no new grant.
    await api.cacheUserToken(user, cb.code ? (token.scope ?? scope) : scope, token)

    const result: LinkConnectResult = {
      ...(userId ? {user_id: userId} : {}),
      ...(req.user.externalUserId !== undefined ? {external_user_id: req.user.externalUserId} : {}),
      credentials_id: cb.credentialsId,
      account_verification_report_id: cb.reportId,
      token,
    }
    if (flags.raw) f.io.stdout.write(token.access_token + '\n')
    else {
      f.out(
        formatFields([
          ['user_id', result.user_id],
          ['external_user_id', result.external_user_id],
          ['credentials_id', result.credentials_id],
          ['account_verification_report_id', result.account_verification_report_id],
          ['access_token', token.access_token],
          ['scope', token.scope],
          ['expires_at', token.expires_at],
        ]),
      )
    }
    return {result}
  } finally {
    await listener?.close()
  }
}

/** --create: the new user's id, or undefined when the user already exists (then used by external id). */
async function createIfNew(f: Factory, externalUserId: string, market: string, locale: string): Promise<string | undefined> {
  try {
    const created = await (await f.api()).createUser({external_user_id: externalUserId, market: checkMarket(market), locale: checkLocale(locale)})
    f.note(`Created user ${externalUserId} (user_id ${created.user_id})`)
    return created.user_id
  } catch (err) {
    if (err instanceof CliError && err.status === 409) {
      f.note(`User ${externalUserId} already exists; connecting it`)
      return undefined
    }
    throw err
  }
}

async function showUrl(f: Factory, url: string, noBrowser: boolean): Promise<void> {
  if (!noBrowser) {
    try {
      const {default: open} = await import('open')
      const child = await open(url)
      child.once('error', () => f.note('Could not open a browser: open the URL above yourself'))
      f.note('Opened Tink Link in your browser. If nothing opened, go to:')
    } catch {
      f.note('Could not open a browser; go to:')
    }
  } else {
    f.note('Open this Tink Link URL in a browser:')
  }
  f.note(url)
}

/** The address the browser ended on, typed at a terminal or piped on stdin. */
async function pastedCallback(f: Factory): Promise<URLSearchParams> {
  const validate = (v: string): string | true => {
    try {
      return parsePasted(v) ? true : 'Paste the whole address from the browser, with its ?query'
    } catch {
      return 'That is not an address'
    }
  }
  const text = canPrompt(f.io)
    ? await askText(f.io, 'Paste the address the browser ended on:', validate)
    : await f.readStdin('the address the browser ended on')
  const q = parsePasted(text)
  if (!q) throw usageError('The pasted address has no Tink Link answer (no ?query)', 'Paste the whole address from the browser bar after Tink Link redirected')
  return q
}

function parsePasted(text: string): URLSearchParams | undefined {
  const t = text.trim()
  const query = /^[a-z][a-z0-9+.-]*:/i.test(t) ? new URL(t).search : t.startsWith('?') ? t : ''
  const q = new URLSearchParams(query)
  return [...q.keys()].length ? q : undefined
}

function callbackPage(cb: LinkCallback, state: string): CallbackPage {
  if (cb.state !== state) return {status: 400, title: 'Refused', text: 'This answer does not belong to the tink command that is waiting (state mismatch). Nothing was exchanged; you can close this tab.'}
  if (cb.error) return {status: 200, title: 'Tink Link did not connect', text: `${cb.error.error}: ${cb.error.message ?? ''} The terminal has the details; you can close this tab.`}
  return {status: 200, title: 'Connected', text: 'Back in the terminal, tink is fetching the user token. You can close this tab.'}
}

/** Refuses a foreign callback, and turns a Tink Link error into its exit code. */
function checkCallback(cb: LinkCallback, state: string): void {
  if (cb.state !== state) {
    throw new CliError('Refused the Tink Link callback: its state does not match the one this command sent; nothing was exchanged', {
      exitCode: ExitCode.LINK_FAILED,
      code: 'state_mismatch',
      hint: 'Run tink link connect again and finish in the browser it opens (an old tab or another run answered)',
    })
  }
  const e = cb.error
  if (e) {
    const parts = [`error=${e.error}`, e.errorReason && `error_reason=${e.errorReason}`, e.message && `message="${e.message}"`, e.trackingId && `tracking_id=${e.trackingId}`].filter(Boolean)
    throw new CliError(`Tink Link: ${parts.join(' ')}`, {
      exitCode: e.error === 'USER_CANCELLED' ? ExitCode.LINK_CANCELLED : ExitCode.LINK_FAILED,
      code: e.error,
      requestId: undefined,
      hint: e.error === 'USER_CANCELLED' ? 'The customer cancelled; run again to retry' : 'Give the tracking_id to Tink support if it persists',
    })
  }
  if (!cb.credentialsId && !cb.code) throw new CliError('The Tink Link callback has neither a code nor a credentials_id', {exitCode: ExitCode.LINK_FAILED, code: 'link_failed'})
}

