/** What the webhook services and commands share: the endpoints service on a run's Tink API, the not-found error, an endpoint as text. */
import {CliError, ExitCode} from '../../errors/cli-error.js'
import type {TinkApi} from '../../tink/api.js'
import {WebhookEndpoints, type WebhookEndpoint} from '../../webhook/endpoints.js'

/** The events v2 service on this run's Tink API: its requests read Tink's error bodies and use its client-token cache. */
export function webhookEndpoints(api: TinkApi): WebhookEndpoints {
  return new WebhookEndpoints({withClientToken: (scope, fn) => api.withClientToken(scope, fn), request: (spec) => api.request(spec)})
}

export function notFound(id: string): CliError {
  return new CliError(`No webhook endpoint with id ${id}`, {exitCode: ExitCode.REJECTED, code: 'not_found', hint: 'See the ids with tink webhook list'})
}

/** One endpoint as `field: value` lines. */
export function formatEndpoint(e: WebhookEndpoint): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', e.id],
    ['url', e.url],
    ['events', e.enabledEvents.join(', ')],
    ['state', e.disabled ? 'disabled' : 'enabled'],
    ['description', e.description],
    ['created_at', e.createdAt],
    ['updated_at', e.updatedAt],
  ]
  return rows
    .filter((r): r is [string, string] => typeof r[1] === 'string' && r[1] !== '')
    .map(([k, v]) => `${(k + ':').padEnd(13)}${v}`)
    .join('\n')
}
