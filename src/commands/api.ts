import {Args} from '@oclif/core'
import {api, apiFlags} from '../lib/actions/api.js'
import {commandOf} from '../lib/cli/base-command.js'

const args = {
  'method-or-path': Args.string({description: 'METHOD (GET, POST, ...) followed by PATH, or PATH alone.'}),
  path: Args.string({description: 'PATH, when METHOD is given first.'}),
}

export default class Api extends commandOf(api, {flags: apiFlags, args, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Call any Tink API path with the right token.'
  static override description = `Sends METHOD PATH (a path on the API base URL) and prints the response body byte for byte as received (JSON indented on a terminal). The method is GET unless a body is given, or fields on a path that is not a data endpoint (then POST): fields on a data endpoint are its query. Headers the HTTP layer sets (Host, Connection, Content-Length, Transfer-Encoding, Expect, Upgrade) cannot be given.
With --external-user-id or --user-id, the token is a user token (authorization grant, then exchange; cached until shortly before it expires) for --scope, or, without --scope, for the scope Tink's scope table gives the method and path (user:read for GET /api/v1/user, credentials:read for /api/v1/credentials/list and /api/v1/providers, accounts:read for /data/v2/accounts and their balances, accounts:read + accounts.parties:readonly for parties, identities:readonly for /data/v2/identities, transactions:read, provider-consents:read, ...). Without a user: a client token for --scope. --token - reads a token from standard input instead.
The token is never printed, and never sent anywhere but the API base URL (redirects are not followed). A non-2xx answer is an error with the usual exit codes (3 for 401/403, 4 for other 4xx, 5 for 5xx). Only GET, HEAD, PUT, DELETE and requests with an Idempotency-Key header are retried.`

  static override examples = [
    {description: "A user's accounts", command: '<%= config.bin %> <%= command.id %> /data/v2/accounts --external-user-id user-123'},
    {
      description: 'All transactions of a user, every page, counted',
      command: '<%= config.bin %> <%= command.id %> /data/v2/transactions --external-user-id user-123 --paginate | jq length',
    },
    {description: 'A call with a token you already have', command: 'printf \'%s\' "$TOKEN" | <%= config.bin %> <%= command.id %> /api/v1/user --token -'},
  ]
}
