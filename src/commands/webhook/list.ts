import {webhookList, webhookListFlags} from '../../lib/actions/webhook-list.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookList extends commandOf(webhookList, {flags: webhookListFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = "List the app's webhook endpoints (every page)."
  static override description = `GET /events/v2/webhook-endpoints with a client token scoped webhook-endpoints, following nextPageToken to the last page. One line per endpoint: id, state, url, events; --json gives {"webhookEndpoints": [...]} in Tink's shape. Secrets are never shown: Tink returns them only at creation.`

  static override examples = [
    {description: 'Every endpoint', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The ids of the disabled ones', command: "<%= config.bin %> <%= command.id %> --json | jq '[.webhookEndpoints[] | select(.disabled) | .id]'"},
  ]
}
