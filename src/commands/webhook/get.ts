import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {byWebhookId, checkWebhookId} from '../../lib/cli/webhook.js'
import {formatEndpoint, notFound, webhookEndpoints} from '../../lib/services/webhook/common.js'
import {withoutSecret, type WebhookEndpoint} from '../../lib/webhook/endpoints.js'

export default class WebhookGet extends command(byWebhookId) {
  static override summary = 'Show one webhook endpoint.'
  static override description = 'Events v2 has no read by id: this lists every page and picks the id. Exit 4 when no endpoint has it.'

  static override examples = [
    {description: 'One endpoint', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef'},
    {description: 'Its events, from the JSON', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --json | jq .enabledEvents'},
  ]

  protected async main(f: Factory): Promise<Outcome<WebhookEndpoint>> {
    const id = checkWebhookId(this.args.id)
    await f.run.preflight({needsCredentials: true})
    const found = await webhookEndpoints(await f.api()).get(id)
    if (!found) throw notFound(id)
    f.print.out(formatEndpoint(found))
    return {result: withoutSecret(found)}
  }
}
