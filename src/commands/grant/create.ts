import {Flags} from '@oclif/core'
import {grantCreate} from '../../lib/actions/grant-create.js'
import {TinkCommand} from '../../lib/base-command.js'
import {userFlags} from '../../lib/flag-defs.js'

export default class GrantCreate extends TinkCommand<typeof GrantCreate> {
  static override summary = 'Mint an authorization code for an existing user.'
  static override description = `POST /api/v1/oauth/authorization-grant with a client token that has authorization:grant. The code is single-use and short-lived; exchange it with "tink token get --code -", or pass --exchange to get the user token at once.`

  static override examples = [
    {description: 'A code for reading a user\'s accounts and transactions', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --scope accounts:read,transactions:read'},
    {description: 'Mint and exchange in one go; print the user token as JSON', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --scope accounts:read --exchange --json'},
  ]

  static override flags = {
    ...userFlags,
    scope: Flags.string({char: 's', description: 'Scopes the code grants, comma-separated (repeatable).', multiple: true, required: true}),
    'id-hint': Flags.string({description: 'A name or e-mail for the user, shown by Tink Link.'}),
    exchange: Flags.boolean({description: 'Exchange the code for a user token and print the token instead (same shape as token get).'}),
  }

  async run() {
    return grantCreate(this.invocation)
  }
}
