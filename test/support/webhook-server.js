// A purpose-built Tink events v2 server for the webhook-endpoints API (the emulator does not serve
// it yet): client-credentials tokens with their scopes, create (409 for the same url and an event
// in common), list with pages, update with {"webhookEndpoint": {...}}, delete answering 200.
// Shapes, scopes and statuses from Tink's events v2 reference (Tiny-doc docs/tink_docs_api/api-events-v2).
// Every request is recorded; `faults` queues answers to send instead of the real one
// ({method, path, status, json}, {destroy: true}: reset unanswered, {commit: true}: create, then reset).
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:http'

export const WEBHOOKS = '/events/v2/webhook-endpoints'

/**
 * Options: clients {id: secret}; pageSize the default page size (small, so paging is exercised);
 * listSecrets: put a `secret` field in listed endpoints, as the list example of Tink's reference does;
 * seed: endpoints that exist from the start.
 */
export async function startWebhookServer({clients = {}, pageSize = 2, listSecrets = false, seed = []} = {}) {
  const endpoints = [...seed]
  const requests = []
  const faults = []
  const tokens = new Map()
  /** id -> the secret handed out at creation, for tests that sign as Tink would. */
  const secrets = new Map()
  let seq = 0

  const tinkError = (res, status, errorMessage, errorCode) => send(res, status, {errorMessage, errorCode})

  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url, 'http://x')
      let json
      try {
        json = raw && req.headers['content-type']?.startsWith('application/json') ? JSON.parse(raw) : undefined
      } catch {
        json = undefined
      }
      const record = {method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: raw, json}
      requests.push(record)
      const fault = faults.findIndex((f) => f.method === req.method && url.pathname.startsWith(f.path))
      if (fault >= 0) {
        const [f] = faults.splice(fault, 1)
        if (f.destroy) return req.socket.destroy()
        // Done, but the answer is lost on the way: the request is handled, then the connection reset.
        if (f.commit) {
          create({writeHead: () => ({end: () => {}}), end: () => {}}, json)
          return req.socket.destroy()
        }
        return send(res, f.status, f.json ?? {errorMessage: 'scripted failure', errorCode: 'scripted'})
      }
      if (url.pathname === '/api/v1/oauth/token' && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(raw))
        if (form.grant_type !== 'client_credentials' || clients[form.client_id] !== form.client_secret) return tinkError(res, 401, 'bad client credentials', 'invalid_client')
        const token = `tok-${++seq}`
        tokens.set(token, (form.scope ?? '').split(','))
        return send(res, 200, {access_token: token, token_type: 'bearer', expires_in: 1800, scope: form.scope ?? ''})
      }
      if (!url.pathname.startsWith(WEBHOOKS)) return tinkError(res, 404, 'no such path', 'not_found')
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      if (!bearer || !tokens.has(bearer)) return tinkError(res, 401, 'Authorization token is missing, or not valid', 'unauthorized')
      if (!tokens.get(bearer).includes('webhook-endpoints')) return tinkError(res, 403, 'You are not allowed to access the requested resource', 'forbidden')
      const id = url.pathname.slice(WEBHOOKS.length + 1)
      if (url.pathname === WEBHOOKS && req.method === 'POST') return create(res, json)
      if (url.pathname === WEBHOOKS && req.method === 'GET') return list(res, url.searchParams)
      const at = endpoints.findIndex((e) => e.id === id)
      if (!id || at < 0) return tinkError(res, 404, `Webhook endpoint ${id} not found`, 'not_found')
      if (req.method === 'PATCH') return update(res, at, json)
      if (req.method === 'DELETE') {
        endpoints.splice(at, 1)
        return send(res, 200, {})
      }
      return tinkError(res, 405, 'method not allowed', 'method_not_allowed')
    })
  })

  function create(res, body) {
    if (!body || typeof body.url !== 'string' || !Array.isArray(body.enabledEvents) || body.enabledEvents.length === 0) return tinkError(res, 400, 'url and enabledEvents are required', 'invalid_argument')
    if (endpoints.some((e) => e.url === body.url && e.enabledEvents.some((ev) => body.enabledEvents.includes(ev)))) {
      return tinkError(res, 409, 'A webhook subscribed to one or more of the same events and url already exists', 'already_exists')
    }
    const now = new Date().toISOString()
    const e = {id: randomBytes(16).toString('hex'), url: body.url, enabledEvents: body.enabledEvents, disabled: body.disabled === true, createdAt: now, updatedAt: now}
    if (body.description !== undefined) e.description = body.description
    endpoints.push(e)
    secrets.set(e.id, randomBytes(16).toString('hex'))
    return send(res, 200, {...e, secret: secrets.get(e.id)})
  }

  function list(res, params) {
    const size = Number(params.get('pageSize') ?? pageSize)
    const offset = params.get('pageToken') ? Number(Buffer.from(params.get('pageToken'), 'base64url').toString()) : 0
    const page = endpoints.slice(offset, offset + size).map((e) => (listSecrets ? {...e, secret: 'string'} : e))
    const next = offset + size < endpoints.length ? Buffer.from(String(offset + size)).toString('base64url') : ''
    return send(res, 200, {webhookEndpoints: page, nextPageToken: next})
  }

  function update(res, at, body) {
    const fields = body?.webhookEndpoint
    if (!fields || typeof fields !== 'object') return tinkError(res, 400, 'webhookEndpoint is required', 'invalid_argument')
    for (const key of Object.keys(fields)) if (!['url', 'enabledEvents', 'description', 'disabled'].includes(key)) return tinkError(res, 400, `${key} cannot be updated`, 'invalid_argument')
    Object.assign(endpoints[at], fields, {updatedAt: new Date().toISOString()})
    return send(res, 200, endpoints[at])
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    endpoints,
    secrets,
    requests,
    faults,
    apiRequests: () => requests.filter((r) => r.path.startsWith(WEBHOOKS)),
    reset() {
      endpoints.length = 0
      requests.length = 0
      faults.length = 0
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function send(res, status, json) {
  const body = JSON.stringify(json)
  res.writeHead(status, {'content-type': 'application/json', 'x-request-id': `req-${Math.random().toString(16).slice(2, 10)}`})
  res.end(body)
}
