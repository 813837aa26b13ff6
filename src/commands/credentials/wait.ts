import {credentialsWait, credentialsWaitFlags} from '../../lib/actions/credentials-wait.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class CredentialsWait extends commandOf(credentialsWait, {flags: credentialsWaitFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = "Wait until a user's bank connection is UPDATED, or fails."
  static override description = `Polls GET /api/v1/credentials/list (with a user token for credentials:read), backing off, until a bank connection created or changed after the wait began (or the one given with --credentials-id) reaches UPDATED, or an error status, or --wait runs out. Says on stderr what it waits for, and each change of status.
Exit 0: UPDATED (the credentials are printed; --json prints them as Tink sent them). 12: AUTHENTICATION_ERROR, TEMPORARY_ERROR, PERMANENT_ERROR, SESSION_EXPIRED or DELETED, with Tink's status and message. 10: --wait ran out. 130: Ctrl-C. --timeout still bounds each request.`
  static override examples = [
    {
      description: 'After sending the customer a Tink Link URL: did the connection work?',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --wait 15m',
    },
    {
      description: 'In a script: the status alone on stdout (exit 12 when the bank refused)',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --jq .status',
    },
  ]
}
