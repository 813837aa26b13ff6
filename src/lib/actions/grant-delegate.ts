/** `tink grant delegate`: a delegated code for Tink Link, and the Tink Link URL to send the customer. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {askText, canPrompt} from '../cli/prompt.js'
import {userRef} from '../cli/user-ref.js'
import {CliError, tinkSaid, usageError} from '../errors/cli-error.js'
import {TINK_LINK_ACTOR_CLIENT_ID, TINK_LINK_SCOPES, type UserRef} from '../tink/api.js'
import {buildLinkUrl, type LinkFlow, type LinkParams} from '../tink/link.js'
import {checkId, checkIdHint, joinScopes} from '../tink/validate.js'
import {
  checkedLinkParams,
  checkExplicitMarketLocale,
  checkFlowFor,
  linkFlags,
  linkMarketLocale,
  requiredRedirectUri,
  type LinkFlagValues,
  type MarketLocale,
} from './link-common.js'

export {checkRedirectUri, linkFlags} from './link-common.js'

/** The delegate's own flags, shared by `grant delegate` and `link connect`. */
export const delegateFlags = {
  'id-hint': Flags.string({description: 'Name or e-mail shown to the customer in Tink Link (required by Tink; prompted for on a terminal).'}),
  'actor-client-id': Flags.string({description: 'The client acting on the code.', default: TINK_LINK_ACTOR_CLIENT_ID}),
}

export const grantDelegateFlags = {
  ...userFlags,
  scope: Flags.string({char: 's', description: `Scopes delegated to Tink Link, comma-separated (repeatable). Default: ${TINK_LINK_SCOPES}.`, multiple: true}),
  ...linkFlags,
  ...delegateFlags,
  'redirect-uri': Flags.string({
    description:
      "Where Tink Link sends the customer afterwards (must be registered for your app; Tink's own https://console.tink.com/callback always is). Env: TINK_REDIRECT_URI. Required.",
  }),
  state: Flags.string({description: 'Opaque value passed back to your redirect URI.'}),
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

type DelegateFlagValues = LinkFlagValues & CommandFlags<typeof delegateFlags> & {'external-user-id'?: string; 'user-id'?: string}

/** Checks the user, flow (one a permanent user can start), parameters and id hint (asked for on a terminal). */
export async function prepareLinkRequest(
  f: Factory,
  flags: DelegateFlagValues,
  state: string | undefined,
  command = 'tink grant delegate',
): Promise<LinkRequest> {
  const user = userRef(flags)
  const flow = checkFlowFor(flags.flow, true, command)
  const params = checkedLinkParams(flow, flags, state)
  await checkExplicitMarketLocale(f)
  const actor = checkId(flags['actor-client-id'], '--actor-client-id')
  let idHint = flags['id-hint']
  if (idHint === undefined) {
    if (!canPrompt(f.io))
      throw usageError('--id-hint is required: Tink Link shows it to the customer', 'Add --id-hint "Jane Doe" (a name or e-mail the customer recognises)')
    idHint = await askText(f.io, 'Name or e-mail to show the customer in Tink Link (id hint):')
  }
  idHint = checkIdHint(idHint)
  const linkBaseUrl = await f.run.linkBaseUrl()
  return {user, flow, params, actor, idHint, linkBaseUrl}
}

/**
 * Mints the delegated code and builds the Tink Link URL with the user's market and locale (a
 * flag or the environment, else the user's own from Tink). The delegate goes first: a user Tink
 * does not know fails there, with the hint to create it.
 */
export async function delegateLink(f: Factory, req: LinkRequest, scope: string, redirectUri: string): Promise<{code: string; url: string} & MarketLocale> {
  const api = await f.api()
  const {clientId} = await f.run.credentials()
  const given = await f.settings().get('market')
  const {code} = await api.delegate(req.user, scope, req.idHint, req.actor).catch((err: unknown) => {
    throw unknownUser(err, req.user, given && (given.source === 'flag' || given.source === 'env') ? given.value : 'MARKET')
  })
  const {market, locale} = await linkMarketLocale(f, req.flow, req.user, req.known)
  const url = buildLinkUrl({linkBaseUrl: req.linkBaseUrl, flow: req.flow, clientId, code, market, locale, redirectUri, ...req.params})
  return {code, url, market, locale}
}

export async function grantDelegate(f: Factory, flags: CommandFlags<typeof grantDelegateFlags>): Promise<Outcome<{code: string; url: string}>> {
  const scope = joinScopes(flags.scope) ?? TINK_LINK_SCOPES
  const req = await prepareLinkRequest(f, flags, flags.state)
  const redirect = await requiredRedirectUri(f)
  await f.run.preflight({needsCredentials: true})

  const {code, url} = await delegateLink(f, req, scope, redirect)
  f.print.out(url)
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
