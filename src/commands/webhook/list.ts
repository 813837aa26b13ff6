import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {webhookEndpoints} from '../../lib/services/webhook/common.js'
import {withoutSecret, type WebhookEndpoint} from '../../lib/webhook/endpoints.js'

export default class WebhookList extends command({
  flags: {
    'page-size': Flags.integer({description: "Endpoints per request (every page is fetched either way). Default: Tink's.", min: 1, max: 1000}),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = "List the app's webhook endpoints (every page)."
  static override description = `GET /events/v2/webhook-endpoints with a client token scoped webhook-endpoints, following nextPageToken to the last page. One line per endpoint: id, state, url, events; --json gives {"webhookEndpoints": [...]} in Tink's shape. Secrets are never shown: Tink returns them only at creation.`

  static override examples = [
    {description: 'Every endpoint', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'The ids of the disabled ones', command: "<%= config.bin %> <%= command.id %> --json | jq '[.webhookEndpoints[] | select(.disabled) | .id]'"},
  ]

  protected async main(f: Factory): Promise<Outcome<{webhookEndpoints: WebhookEndpoint[]}>> {
    await f.run.preflight({needsCredentials: true})
    const all = (await webhookEndpoints(await f.api()).list(this.flags['page-size'])).map(withoutSecret)
    if (all.length === 0) f.print.note('No webhook endpoints; add one with tink webhook create')
    for (const e of all) f.print.out([e.id, e.disabled ? 'disabled' : 'enabled ', e.url, e.enabledEvents.join(',')].join('  '))
    return {result: {webhookEndpoints: all}}
  }
}
