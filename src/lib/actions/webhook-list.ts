/** `tink webhook list` (every page) and `tink webhook get ID` (the list, filtered: events v2 has no read by id). */
import {Args, Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {CliError, ExitCode} from '../errors/cli-error.js'
import {withoutSecret, type WebhookEndpoint} from '../webhook/endpoints.js'
import {checkWebhookId, endpoints, formatEndpoint} from './webhook-common.js'

export const webhookListFlags = {
  'page-size': Flags.integer({description: "Endpoints per request (every page is fetched either way). Default: Tink's.", min: 1, max: 1000}),
}

export async function webhookList(f: Factory, flags: CommandFlags<typeof webhookListFlags>): Promise<Outcome<{webhookEndpoints: WebhookEndpoint[]}>> {
  const all = (await (await endpoints(f)).list(flags['page-size'])).map(withoutSecret)
  if (all.length === 0) f.print.note('No webhook endpoints; add one with tink webhook create')
  for (const e of all) f.print.out([e.id, e.disabled ? 'disabled' : 'enabled ', e.url, e.enabledEvents.join(',')].join('  '))
  return {result: {webhookEndpoints: all}}
}

export const webhookGetArgs = {id: Args.string({description: 'The webhook id (see tink webhook list).', required: true})}

export async function webhookGet(f: Factory, _flags: unknown, args: {id: string}): Promise<Outcome<WebhookEndpoint>> {
  const id = checkWebhookId(args.id)
  const found = await (await endpoints(f)).get(id)
  if (!found) throw notFound(id)
  f.print.out(formatEndpoint(found))
  return {result: withoutSecret(found)}
}

export function notFound(id: string): CliError {
  return new CliError(`No webhook endpoint with id ${id}`, {exitCode: ExitCode.REJECTED, code: 'not_found', hint: 'See the ids with tink webhook list'})
}
