import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {formatToken} from '../../lib/cli/output.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {createGrant} from '../../lib/services/grant/create.js'
import type {TokenResult} from '../../lib/tink/api.js'
import {checkIdHint, joinScopes} from '../../lib/tink/validate.js'

export default class GrantCreate extends command({
  flags: {
    ...userFlags,
    scope: Flags.string({char: 's', description: 'Scopes the code grants, comma-separated (repeatable).', multiple: true, required: true}),
    'id-hint': Flags.string({description: 'A name or e-mail for the user, shown by Tink Link.'}),
    exchange: Flags.boolean({description: 'Exchange the code for a user token and print the token instead (same shape as token get).'}),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = 'Mint an authorization code for an existing user.'
  static override description = `POST /api/v1/oauth/authorization-grant with a client token that has authorization:grant. The code is single-use and short-lived; exchange it with "tink token get --code -", or pass --exchange to get the user token at once.`

  static override examples = [
    {
      description: "A code for reading a user's accounts and transactions",
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --scope accounts:read,transactions:read',
    },
    {
      description: 'Mint and exchange in one go; print the user token as JSON',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --scope accounts:read --exchange --json',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<{code: string} | TokenResult>> {
    const {flags} = this
    const user = userRef(flags)
    const scope = joinScopes(flags.scope)
    if (!scope) throw usageError('--scope is required', 'e.g. --scope accounts:read,transactions:read')
    const idHint = flags['id-hint'] === undefined ? undefined : checkIdHint(flags['id-hint'])
    await f.run.preflight({needsCredentials: true})

    const granted = await createGrant(await f.api(), {user, scope, idHint, exchange: Boolean(flags.exchange)})
    if (granted.token) {
      f.print.out(formatToken(granted.token))
      return {result: granted.token}
    }
    f.print.out(granted.code)
    return {result: {code: granted.code}}
  }
}
