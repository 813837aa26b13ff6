import {userGet, userGetFlags} from '../../lib/actions/user-get.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class UserGet extends commandOf(userGet, {flags: userGetFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Show a Tink user (id, external id, market, locale, created).'
  static override description =
    'GET /api/v1/user with a user token for user:read (authorization grant + exchange, cached). --json prints the user as Tink sent it.'
  static override examples = [
    {description: 'A user by your own id', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123'},
    {description: "As Tink's JSON", command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --json'},
  ]
}
