import {tokenRevoke, tokenRevokeFlags} from '../../lib/actions/token-revoke.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class TokenRevoke extends commandOf(tokenRevoke, {flags: tokenRevokeFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Revoke every token of a user (revoke-all).'
  static override description = `POST /api/v1/oauth/revoke-all with a client token for authorization:revoke: every access and refresh token of the user stops working; the user's tokens in this CLI's cache are dropped too.
Asks for confirmation on a terminal; --yes skips the question. Without a terminal, --yes is required and nothing is sent without it.`
  static override examples = [
    {description: 'Revoke the tokens of a user without a question', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --yes'},
    {
      description: "Revoke by Tink's user id in a script, the result as JSON",
      command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --yes --json',
    },
  ]
}
