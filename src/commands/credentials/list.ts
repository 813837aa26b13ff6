import {credentialsList, credentialsListFlags} from '../../lib/actions/credentials-list.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class CredentialsList extends commandOf(credentialsList, {flags: credentialsListFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = "List a user's connected banks: status, last update, consent expiry, error."
  static override description = `GET /api/v1/credentials/list with a user token for credentials:read. One row per connected bank: provider, status (UPDATED when all is well), when the status last changed, when the consent (sessionExpiryDate) runs out, and the error text when the status is not UPDATED.
The support question "did the connection work?" is answered here. --json prints Tink's answer as received.`
  static override examples = [
    {description: 'Did the bank connection of this user work?', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123'},
    {description: "Tink's JSON, for a script", command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --json'},
  ]
}
