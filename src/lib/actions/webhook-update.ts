/** `tink webhook update ID`: change the url, events, description or state (PATCH with {"webhookEndpoint": {...}}). */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {usageError} from '../errors/cli-error.js'
import {withoutSecret, type UpdateInput, type WebhookEndpoint} from '../webhook/endpoints.js'
import {parseEvents} from '../webhook/events.js'
import {checkWebhookId, checkWebhookUrl, endpoints, EVENTS_HELP, formatEndpoint} from './webhook-common.js'

export const webhookUpdateFlags = {
  url: Flags.string({description: 'A new https:// URL.'}),
  events: Flags.string({description: `Replace the subscribed events with these. ${EVENTS_HELP}`, multiple: true}),
  description: Flags.string({description: 'A new description.'}),
  enable: Flags.boolean({description: 'Deliver events again.', exclusive: ['disable']}),
  disable: Flags.boolean({description: 'Stop delivering events (the webhook and its secret are kept).', exclusive: ['enable']}),
}

export async function webhookUpdate(f: Factory, flags: CommandFlags<typeof webhookUpdateFlags>, args: {id: string}): Promise<Outcome<WebhookEndpoint>> {
  const id = checkWebhookId(args.id)
  const fields: UpdateInput = {}
  if (flags.url !== undefined) fields.url = checkWebhookUrl(flags.url)
  if (flags.events !== undefined) fields.enabledEvents = parseEvents(flags.events)
  if (flags.description !== undefined) fields.description = flags.description
  if (flags.enable) fields.disabled = false
  if (flags.disable) fields.disabled = true
  if (Object.keys(fields).length === 0) throw usageError('Nothing to update', 'Give one or more of --url, --events, --description, --enable, --disable')
  const updated = withoutSecret(await (await endpoints(f)).update(id, fields))
  f.print.out(formatEndpoint(updated))
  return {result: updated}
}
