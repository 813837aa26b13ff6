import {webhookDelete, webhookDeleteFlags} from '../../lib/actions/webhook-delete.js'
import {webhookGetArgs} from '../../lib/actions/webhook-list.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookDelete extends commandOf(webhookDelete, {
  flags: webhookDeleteFlags,
  args: webhookGetArgs,
  needs: {request: 'always', keychain: true},
}) {
  static override summary = 'Delete a webhook endpoint.'
  static override description =
    'DELETE /events/v2/webhook-endpoints/ID. Asks for confirmation on a terminal; --yes is required otherwise. A secret saved for it with create --save is removed from the profile too.'

  static override examples = [
    {description: 'Delete without a question', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --yes'},
    {description: 'The same, with the result as JSON', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --yes --json'},
  ]
}
