/**
 * A delegated code for Tink Link and the Tink Link URL that carries it (`tink grant delegate`, and
 * `tink link connect` with a user): the request checked before anything is sent, then the
 * delegate (POST /api/v1/oauth/authorization-grant/delegate) and the URL with the user's market
 * and locale.
 */
import {CliError, tinkSaid, usageError} from '../../errors/cli-error.js'
import type {TinkApi, UserRef} from '../../tink/api.js'
import {buildLinkUrl, checkLinkParams, type LinkFlow, type LinkParams} from '../../tink/link.js'
import {checkId, checkIdHint} from '../../tink/validate.js'
import {checkExplicitMarketLocale, checkFlowFor, linkMarketLocale, type LinkDeps, type MarketLocale} from '../link/common.js'

export interface LinkRequestOptions {
  user: UserRef
  /** The flow as given: it must be one a permanent user can start. */
  flow: string
  /** The Link parameters as given, checked against the flow. */
  params: LinkParams
  actorClientId: string
  /** Tink Link shows it to the customer; without it `askIdHint` asks (on a terminal), else a usage error. */
  idHint?: string
  askIdHint?: () => Promise<string>
  /** The command, for the message that sends a one-time flow elsewhere. */
  command: string
}

/** Everything a delegated Link request needs, settled before the delegate is sent. */
export interface LinkRequest {
  user: UserRef
  flow: LinkFlow
  params: LinkParams
  actor: string
  idHint: string
  linkBaseUrl: string
  /** The user's market and locale when the caller already has them (a user it just created or read). */
  known?: MarketLocale
}

/** Checks the flow (one a permanent user can start), parameters, market and locale, actor and id hint. */
export async function prepareLinkRequest(deps: LinkDeps, o: LinkRequestOptions): Promise<LinkRequest> {
  const flow = checkFlowFor(o.flow, true, o.command)
  const params = checkLinkParams(flow, o.params)
  await checkExplicitMarketLocale(deps)
  const actor = checkId(o.actorClientId, '--actor-client-id')
  let idHint = o.idHint
  if (idHint === undefined) {
    if (!o.askIdHint)
      throw usageError('--id-hint is required: Tink Link shows it to the customer', 'Add --id-hint "Jane Doe" (a name or e-mail the customer recognises)')
    idHint = await o.askIdHint()
  }
  idHint = checkIdHint(idHint)
  const linkBaseUrl = await deps.linkBaseUrl()
  return {user: o.user, flow, params, actor, idHint, linkBaseUrl}
}

export interface DelegatedLink extends MarketLocale {
  code: string
  url: string
}

/**
 * Mints the delegated code and builds the Tink Link URL with the user's market and locale (a
 * flag or the environment, else the user's own from Tink). The delegate goes first: a user Tink
 * does not know fails there, with the hint to create it.
 */
export async function delegateLink(api: TinkApi, deps: LinkDeps, req: LinkRequest, scope: string, redirectUri: string): Promise<DelegatedLink> {
  const {clientId} = await deps.credentials()
  const given = await deps.setting('market')
  const {code} = await api.delegate(req.user, scope, req.idHint, req.actor).catch((err: unknown) => {
    throw unknownUser(err, req.user, given && (given.source === 'flag' || given.source === 'env') ? given.value : 'MARKET')
  })
  const {market, locale} = await linkMarketLocale(deps, req.flow, {api, user: req.user, known: req.known})
  const url = buildLinkUrl({linkBaseUrl: req.linkBaseUrl, flow: req.flow, clientId, code, market, locale, redirectUri, ...req.params})
  return {code, url, market, locale}
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
