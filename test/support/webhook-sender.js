// A purpose-built webhook sender and receiving app for the listener tests. The sender signs as
// Tink does (X-Tink-Signature: t=<unix>,v1=HMAC-SHA256(secret, t + "." + body)) and retries as
// Tink's events v2 reference says: up to 3 times on 408, 429, 500, 502, 503 and 504, never
// when the connection fails (Tiny-doc docs/tink_docs_api/api-events-v2). The signature is made
// here with node:crypto, not with the CLI's code, so the two check each other.
import {createHmac} from 'node:crypto'
import {createServer, request} from 'node:http'

export const RETRY_STATUSES = [408, 429, 500, 502, 503, 504]

export function tinkSignature(secret, t, body) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`
}

function post(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, {method: 'POST', headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers}}, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode, body: Buffer.concat(chunks).toString('utf8')}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Delivers `body` signed with `secret` (or with `header` as given); resolves every status received, in order. */
export async function deliver(url, body, {secret, t = Math.floor(Date.now() / 1000), header, retries = 3} = {}) {
  const statuses = []
  const signature = header ?? tinkSignature(secret, t, body)
  for (let attempt = 0; attempt <= retries; attempt++) {
    const {status} = await post(url, body, {'x-tink-signature': signature, 'user-agent': 'Tink-Webhooks-Test'})
    statuses.push(status)
    if (!RETRY_STATUSES.includes(status)) break
  }
  return statuses
}

/** The user's app: records each request (raw body, headers) and answers from `statuses`, the last one repeated. */
export async function startApp(statuses = [200]) {
  const received = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8')})
      const status = statuses[Math.min(received.length - 1, statuses.length - 1)]
      res.writeHead(status, {'content-type': 'text/plain'}).end(`app says ${status}`)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
