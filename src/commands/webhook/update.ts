import {webhookUpdate, webhookUpdateFlags} from '../../lib/actions/webhook-update.js'
import {webhookGetArgs} from '../../lib/actions/webhook-list.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookUpdate extends commandOf(webhookUpdate, {
  flags: webhookUpdateFlags,
  args: webhookGetArgs,
  needs: {request: 'always', keychain: true},
}) {
  static override summary = "Change a webhook endpoint's url, events, description or state."
  static override description =
    'PATCH /events/v2/webhook-endpoints/ID with {"webhookEndpoint": {...}} holding only the fields given. The secret stays the same.'

  static override examples = [
    {description: 'Pause deliveries', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --disable'},
    {
      description: 'Subscribe to other events',
      command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --events refresh:finished,account-transactions:modified',
    },
  ]
}
