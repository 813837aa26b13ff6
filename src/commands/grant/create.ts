import {grantCreate, grantCreateFlags} from '../../lib/actions/grant-create.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class GrantCreate extends commandOf(grantCreate, {flags: grantCreateFlags, needs: {request: 'always', keychain: true}}) {
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
}
