/** `tink grant delegate`: a delegated code for Tink Link, and the Tink Link URL to send the customer. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {askText, canPrompt} from '../cli/prompt.js'
import {userRef} from '../cli/user-ref.js'
import {CliError, usageError} from '../errors/cli-error.js'
import type {UserRef} from '../tink/api.js'
import {TINK_LINK_ACTOR_CLIENT_ID, TINK_LINK_SCOPES} from '../tink/api.js'
import {buildLinkUrl, checkFlow, checkFlowParams, LINK_FLOWS} from '../tink/link.js'
import {checkId, checkIdHint, checkLocale, checkMarket, joinScopes} from '../tink/validate.js'

export const grantDelegateFlags = {
  ...userFlags,
  scope: Flags.string({char: 's', description: `Scopes delegated to Tink Link, comma-separated (repeatable). Default: ${TINK_LINK_SCOPES}.`, multiple: true}),
  'id-hint': Flags.string({description: 'Name or e-mail shown to the customer in Tink Link (required by Tink; prompted for on a terminal).'}),
  'actor-client-id': Flags.string({description: 'The client acting on the code.', default: TINK_LINK_ACTOR_CLIENT_ID}),
  flow: Flags.string({description: `Tink Link flow: ${LINK_FLOWS.join(', ')}.`, default: 'transactions/connect-accounts'}),
  products: Flags.string({description: 'Products for --flow products/connect-accounts, e.g. ACCOUNT_CHECK,TRANSACTIONS.'}),
  'credentials-id': Flags.string({description: 'Credentials to update or extend (transactions/update-consent, transactions/extend-consent).'}),
  market: Flags.string({description: 'Market for Tink Link (ISO 3166-1 alpha-2). Env: TINK_MARKET. Default: GB.'}),
  locale: Flags.string({description: 'Locale for Tink Link, e.g. en_US. Env: TINK_LOCALE. Default: en_US.'}),
  'redirect-uri': Flags.string({description: 'Where Tink Link sends the customer afterwards (must be registered for your app). Env: TINK_REDIRECT_URI.'}),
  state: Flags.string({description: 'Opaque value passed back to your redirect URI.'}),
  test: Flags.boolean({description: 'Open Tink Link in test mode (demo banks).'}),
  'link-base-url': Flags.string({description: "Tink Link base URL; overrides the region's (link.tink.com, link.us.tink.com). Env: TINK_LINK_URL."}),
}

export async function grantDelegate(f: Factory, flags: CommandFlags<typeof grantDelegateFlags>): Promise<Outcome<{code: string; url: string}>> {
  const user = userRef(flags)
  const scope = joinScopes(flags.scope) ?? TINK_LINK_SCOPES
  const flow = checkFlow(flags.flow)
  checkFlowParams(flow, flags.products, flags['credentials-id'])
  const actor = checkId(flags['actor-client-id'], '--actor-client-id')
  // The origin goes into the message: a bad TINK_MARKET must not be blamed on a --market never typed.
  await f.setting('market') // traced for --verbose; the resolver memoises, so get() below is free
  await f.setting('locale')
  const marketSetting = await f.settings().get('market')
  const localeSetting = await f.settings().get('locale')
  const market = checkMarket(marketSetting?.value ?? 'GB', marketSetting?.origin)
  const locale = checkLocale(localeSetting?.value ?? 'en_US', localeSetting?.origin)
  const redirectUri = await f.setting('redirectUri')
  if (redirectUri) {
    try {
      new URL(redirectUri)
    } catch {
      throw usageError(`Invalid --redirect-uri "${redirectUri}"`, 'Give an absolute URL registered for your app, e.g. https://example.com/callback')
    }
  }
  let idHint = flags['id-hint']
  if (idHint === undefined) {
    if (!canPrompt(f.io)) throw usageError('--id-hint is required: Tink Link shows it to the customer', 'Add --id-hint "Jane Doe" (a name or e-mail the customer recognises)')
    idHint = await askText(f.io, 'Name or e-mail to show the customer in Tink Link (id hint):')
  }
  idHint = checkIdHint(idHint)
  const linkBaseUrl = await f.linkBaseUrl()
  await f.preflight({needsCredentials: true})

  const api = await f.api()
  const {clientId} = await f.credentials()
  const {code} = await api.delegate(user, scope, idHint, actor).catch((err: unknown) => {
    throw unknownUser(err, user, market)
  })
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
  if (!redirectUri && !f.json) f.warnLine('no --redirect-uri: Tink Link will use the first redirect URI registered for your app')
  f.out(url)
  return {result: {code, url}}
}

/** A delegate for a user Tink does not know (404): the user has to be created first; say how. */
function unknownUser(err: unknown, user: UserRef, market: string): unknown {
  if (!(err instanceof CliError) || err.status !== 404) return err
  const hint =
    user.externalUserId !== undefined
      ? `Create the user first: tink user create --external-user-id ${shellWord(user.externalUserId)} --market ${market}`
      : 'Check the --user-id (users belong to the app that created them), or create the user first with tink user create'
  return new CliError(err.message, {exitCode: err.exitCode, status: 404, code: err.code, requestId: err.requestId, hint, cause: err})
}

const shellWord = (w: string): string => (/^[\w.@:+-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`)
