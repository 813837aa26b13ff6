import {webhookGet, webhookGetArgs} from '../../lib/actions/webhook-list.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookGet extends commandOf(webhookGet, {args: webhookGetArgs, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Show one webhook endpoint.'
  static override description = 'Events v2 has no read by id: this lists every page and picks the id. Exit 4 when no endpoint has it.'

  static override examples = [
    {description: 'One endpoint', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef'},
    {description: 'Its events, from the JSON', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --json | jq .enabledEvents'},
  ]
}
