import {Flags} from '@oclif/core'
import {grantDelegate} from '../../lib/actions/grant-delegate.js'
import {TinkCommand} from '../../lib/base-command.js'
import {userFlags} from '../../lib/flag-defs.js'
import {LINK_FLOWS} from '../../lib/link.js'
import {TINK_LINK_ACTOR_CLIENT_ID, TINK_LINK_SCOPES} from '../../lib/tink.js'

export default class GrantDelegate extends TinkCommand<typeof GrantDelegate> {
  static override summary = 'Mint a delegated code for Tink Link and print the Tink Link URL to send the customer.'
  static override description = `POST /api/v1/oauth/authorization-grant/delegate with a client token that has authorization:grant, then builds the Tink Link URL for the chosen flow. Human output is the URL alone on stdout, so it can be copied or piped; --json prints {"code", "url"}.
The live service requires --id-hint (the name or e-mail the customer sees in Tink Link); on a terminal it is asked for when missing.`

  static override examples = [
    {description: 'A Tink Link URL for a customer to connect their bank accounts', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --id-hint "Jane Doe" --redirect-uri https://example.com/callback'},
    {description: 'An account check in Sweden, as JSON', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --id-hint jane@example.com --flow account-check/connect --market SE --locale sv_SE --json'},
  ]

  static override flags = {
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

  async run() {
    return grantDelegate(this.invocation)
  }
}
