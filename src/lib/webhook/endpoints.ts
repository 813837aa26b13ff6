/**
 * Tink's events v2 webhook endpoints: create, list (paged), update, delete, each with a client
 * token scoped `webhook-endpoints`. Shapes and statuses from Tink's events v2 reference
 * (docs.tink.com/api#events-v2; Tiny-doc docs/tink_docs_api/api-events-v2).
 */
import {CliError, ExitCode, tinkSaid} from '../errors/cli-error.js'
import type {HttpResponse, RequestSpec} from '../http/client.js'
import {PATHS} from '../tink/api.js'
import {parseJsonObject} from '../tink/errors.js'
import {CLIENT_SCOPES} from '../tink/scopes.js'

export const WEBHOOK_SCOPE = CLIENT_SCOPES.webhookEndpoints

/** Tink's WebhookEndpoint; `secret` only in the answer to create. */
export interface WebhookEndpoint {
  id: string
  url: string
  enabledEvents: string[]
  disabled: boolean
  description?: string
  createdAt: string
  updatedAt: string
  secret?: string
  [key: string]: unknown
}

/** CreateWebhookEndpointRequest. */
export interface CreateInput {
  url: string
  enabledEvents: string[]
  description?: string
  disabled?: boolean
}

/** The mutable fields UpdateWebhookEndpointRequest.webhookEndpoint may carry. */
export type UpdateInput = Partial<Pick<WebhookEndpoint, 'url' | 'enabledEvents' | 'description' | 'disabled'>>

/** What the service needs: TinkApi's client-token helper and the HTTP client's request. */
export interface EndpointsDeps {
  withClientToken<T>(scope: string, fn: (accessToken: string) => Promise<T>): Promise<T>
  request(spec: RequestSpec): Promise<HttpResponse>
}

/** An answer to create that most likely belongs to this call's own earlier, unanswered attempt. */
export const CREATED_BY_EARLIER_ATTEMPT = 'webhook_created_by_earlier_attempt'

export class WebhookEndpoints {
  constructor(private readonly deps: EndpointsDeps) {}

  private call(spec: RequestSpec): Promise<HttpResponse> {
    return this.deps.withClientToken(WEBHOOK_SCOPE, (bearer) => this.deps.request({...spec, bearer}))
  }

  /** POST: 200 with the endpoint and its secret; 409 when one with the same url and events exists. */
  async create(input: CreateInput): Promise<WebhookEndpoint> {
    let unanswered = false
    let res: HttpResponse
    try {
      res = await this.call({
        method: 'POST',
        path: PATHS.webhookEndpoints,
        what: 'webhook create',
        json: input,
        onRetry: (e) => (unanswered ||= e.status === undefined),
      })
    } catch (err) {
      if (tinkSaid(err, 409) && unanswered) {
        throw new CliError(
          'A webhook endpoint with this url and these events exists: most likely this command created it (its first attempt got no answer) and its secret was lost',
          {
            exitCode: ExitCode.REJECTED,
            status: 409,
            code: CREATED_BY_EARLIER_ATTEMPT,
            requestId: err.requestId,
            hint: 'Find it with tink webhook list, delete it with tink webhook delete ID, and create it again',
            fromTink: true,
          },
        )
      }
      if (tinkSaid(err, 409)) {
        throw new CliError(`A webhook endpoint for ${input.url} subscribed to one or more of these events already exists (HTTP 409)`, {
          exitCode: ExitCode.REJECTED,
          status: 409,
          code: err.code,
          requestId: err.requestId,
          hint: 'See it with tink webhook list; change it with tink webhook update ID, or delete it first',
          fromTink: true,
        })
      }
      throw err
    }
    return readEndpoint(res, 'webhook create')
  }

  /** GET, following nextPageToken until it is empty: every endpoint of the app. */
  async list(pageSize?: number): Promise<WebhookEndpoint[]> {
    const all: WebhookEndpoint[] = []
    const seen = new Set<string>()
    let pageToken: string | undefined
    for (;;) {
      const res = await this.call({
        method: 'GET',
        path: PATHS.webhookEndpoints,
        what: 'webhook list',
        query: {pageSize: pageSize === undefined ? undefined : String(pageSize), pageToken},
      })
      const body = parseJsonObject(res, 'webhook list')
      const page = body.webhookEndpoints ?? []
      if (!Array.isArray(page)) throw shapeError('webhook list', res, 'webhookEndpoints is not a list')
      for (const item of page) all.push(checkEndpoint(item, res, 'webhook list'))
      const next = body.nextPageToken
      if (next === undefined || next === null || next === '') return all
      if (typeof next !== 'string') throw shapeError('webhook list', res, 'nextPageToken is not a string')
      // A server that hands out the same token again would page forever.
      if (seen.has(next)) throw shapeError('webhook list', res, `nextPageToken "${next}" came back a second time`)
      seen.add(next)
      pageToken = next
    }
  }

  /** Events v2 has no read by id: the list, filtered. Undefined when no endpoint has the id. */
  async get(id: string): Promise<WebhookEndpoint | undefined> {
    return (await this.list()).find((e) => e.id === id)
  }

  /** PATCH with `{"webhookEndpoint": {...}}`: only the fields given change. */
  async update(id: string, fields: UpdateInput): Promise<WebhookEndpoint> {
    const res = await this.call({
      method: 'PATCH',
      path: `${PATHS.webhookEndpoints}/${encodeURIComponent(id)}`,
      what: 'webhook update',
      json: {webhookEndpoint: fields},
    })
    return readEndpoint(res, 'webhook update')
  }

  /** DELETE: Tink answers 200. */
  async delete(id: string): Promise<void> {
    await this.call({method: 'DELETE', path: `${PATHS.webhookEndpoints}/${encodeURIComponent(id)}`, what: 'webhook delete'})
  }
}

function readEndpoint(res: HttpResponse, what: string): WebhookEndpoint {
  return checkEndpoint(parseJsonObject(res, what), res, what)
}

/** The required fields of WebhookEndpoint, checked so nothing downstream prints `undefined`. */
function checkEndpoint(value: unknown, res: HttpResponse, what: string): WebhookEndpoint {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw shapeError(what, res, 'a webhook endpoint is not an object')
  const e = value as Record<string, unknown>
  if (typeof e.id !== 'string' || !e.id) throw shapeError(what, res, 'a webhook endpoint has no id')
  if (typeof e.url !== 'string') throw shapeError(what, res, `webhook endpoint ${e.id} has no url`)
  if (!Array.isArray(e.enabledEvents) || !e.enabledEvents.every((x) => typeof x === 'string'))
    throw shapeError(what, res, `webhook endpoint ${e.id} has no list of enabledEvents`)
  return {...e, disabled: e.disabled === true} as WebhookEndpoint
}

function shapeError(what: string, res: HttpResponse, problem: string): CliError {
  return new CliError(`${what}: the server's answer is not Tink's: ${problem}`, {
    exitCode: ExitCode.UNAVAILABLE,
    status: res.status,
    code: 'invalid_response',
    requestId: res.requestId,
  })
}

/** An endpoint as shown after creation: without the secret, which Tink documents as returned only on creation. */
export function withoutSecret(e: WebhookEndpoint): WebhookEndpoint {
  const {secret: _secret, ...rest} = e
  return rest
}
