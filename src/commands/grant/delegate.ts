import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {delegateFlags, linkDeps, linkFlags, linkParamsFromFlags, printedUrlFlags} from '../../lib/cli/link-flags.js'
import {askText, canPrompt} from '../../lib/cli/prompt.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {delegateLink, prepareLinkRequest} from '../../lib/services/grant/delegate.js'
import {requiredRedirectUri} from '../../lib/services/link/common.js'
import {TINK_LINK_SCOPES} from '../../lib/tink/api.js'
import {joinScopes} from '../../lib/tink/validate.js'

export default class GrantDelegate extends command({
  flags: {
    ...userFlags,
    scope: Flags.string({char: 's', description: `Scopes delegated to Tink Link, comma-separated (repeatable). Default: ${TINK_LINK_SCOPES}.`, multiple: true}),
    ...linkFlags,
    ...delegateFlags,
    ...printedUrlFlags('the customer'),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = 'Mint a delegated code for Tink Link and print the Tink Link URL to send the customer.'
  static override description = `POST /api/v1/oauth/authorization-grant/delegate with a client token that has authorization:grant, then builds the Tink Link URL for the chosen flow. Human output is the URL alone on stdout, so it can be copied or piped; --json prints {"code", "url"}.
The URL carries the user's own market and locale, read from Tink (GET /api/v1/user with a user:read token), unless --market/--locale or TINK_MARKET/TINK_LOCALE give others; a profile's default market never overrides a user's own. The flows are those Tink documents for permanent users (continuous access); a one-time-only flow (the report flows, pay) is refused with a hint to tink link url.
The live service requires --id-hint (the name or e-mail the customer sees in Tink Link); on a terminal it is asked for when missing. A redirect URI is required too (--redirect-uri, TINK_REDIRECT_URI or the profile's; Tink's own https://console.tink.com/callback is registered for every Console app): Tink Link refuses a URL without one. See the README for which flow takes which Link parameter.`

  static override examples = [
    {
      description: 'A Tink Link URL for a customer to connect their bank accounts',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --id-hint "Jane Doe" --redirect-uri https://console.tink.com/callback',
    },
    {
      description: 'An account check in Sweden, as JSON',
      command:
        '<%= config.bin %> <%= command.id %> --external-user-id user-123 --id-hint jane@example.com --flow account-check/connect --market SE --locale sv_SE --redirect-uri https://console.tink.com/callback --json',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<{code: string; url: string}>> {
    const {flags} = this
    const scope = joinScopes(flags.scope) ?? TINK_LINK_SCOPES
    const deps = linkDeps(f)
    const req = await prepareLinkRequest(deps, {
      user: userRef(flags),
      flow: flags.flow,
      params: linkParamsFromFlags(flags, flags.state),
      actorClientId: flags['actor-client-id'],
      idHint: flags['id-hint'],
      askIdHint: canPrompt(f.io) ? () => askText(f.io, 'Name or e-mail to show the customer in Tink Link (id hint):') : undefined,
      command: 'tink grant delegate',
    })
    const redirect = await requiredRedirectUri(deps)
    await f.run.preflight({needsCredentials: true})

    const {code, url} = await delegateLink(await f.api(), deps, req, scope, redirect)
    f.print.out(url)
    return {result: {code, url}}
  }
}
