import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {EVENTS_HELP} from '../../lib/cli/flags.js'
import {byWebhookId, checkWebhookId, checkWebhookUrl} from '../../lib/cli/webhook.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {formatEndpoint, webhookEndpoints} from '../../lib/services/webhook/common.js'
import {withoutSecret, type UpdateInput, type WebhookEndpoint} from '../../lib/webhook/endpoints.js'
import {parseEvents} from '../../lib/webhook/events.js'

export default class WebhookUpdate extends command({
  ...byWebhookId,
  flags: {
    url: Flags.string({description: 'A new https:// URL.'}),
    events: Flags.string({description: `Replace the subscribed events with these. ${EVENTS_HELP}`, multiple: true}),
    description: Flags.string({description: 'A new description.'}),
    enable: Flags.boolean({description: 'Deliver events again.', exclusive: ['disable']}),
    disable: Flags.boolean({description: 'Stop delivering events (the webhook and its secret are kept).', exclusive: ['enable']}),
  },
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

  protected async main(f: Factory): Promise<Outcome<WebhookEndpoint>> {
    const {flags} = this
    const id = checkWebhookId(this.args.id)
    const fields: UpdateInput = {}
    if (flags.url !== undefined) fields.url = checkWebhookUrl(flags.url)
    if (flags.events !== undefined) fields.enabledEvents = parseEvents(flags.events)
    if (flags.description !== undefined) fields.description = flags.description
    if (flags.enable) fields.disabled = false
    if (flags.disable) fields.disabled = true
    if (Object.keys(fields).length === 0) throw usageError('Nothing to update', 'Give one or more of --url, --events, --description, --enable, --disable')
    await f.run.preflight({needsCredentials: true})
    const updated = withoutSecret(await webhookEndpoints(await f.api()).update(id, fields))
    f.print.out(formatEndpoint(updated))
    return {result: updated}
  }
}
