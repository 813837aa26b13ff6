/**
 * A local webhook receiver: verifies every delivery's X-Tink-Signature, answers 412 to one that
 * does not verify (nothing is forwarded), and otherwise passes the raw body and headers on to the
 * user's own app and its status back to the sender, so Tink's retries on 408, 429 and 5xx reach
 * the app (events v2 reference: docs.tink.com/api#events-v2; Tiny-doc docs/tink_docs_api/api-events-v2).
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {CliError, ExitCode} from '../errors/cli-error.js'
import {SIGNATURE_HEADER, verifySignature, type InvalidReason} from './signature.js'

/** Tink's deliveries are small JSON documents; anything far larger is not one. */
export const MAX_BODY_BYTES = 1024 * 1024
const FORWARD_TIMEOUT_MS = 30_000
/** Headers that belong to one connection, not to the message (RFC 9110 section 7.6.1), and the ones undici sets itself. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer'])

export interface Delivery {
  receivedAt: string
  method: string
  path: string
  verified: boolean
  /** Why it did not verify (or was not even checked: a body over MAX_BODY_BYTES). */
  reason?: InvalidReason | 'too_large'
  message?: string
  event?: unknown
  context?: unknown
  content?: unknown
  /** What the listener answered the sender. */
  status: number
  /** The app's answer, with --forward-to: its status, or the error that kept it from answering. */
  forward?: {status?: number; error?: string}
}

export interface ListenerOptions {
  host: string
  port: number
  /** Only this path is served (404 elsewhere); undefined: any path. */
  path?: string
  secret: string
  maxAgeS: number
  forwardTo?: string
  now?: () => number
  onDelivery: (d: Delivery) => void
}

export interface Listener {
  url: string
  count: number
  close(): Promise<void>
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000))
  const state = {count: 0}
  const forward = opts.forwardTo === undefined ? undefined : await forwarder(opts.forwardTo)
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://listener')
    if (opts.path !== undefined && url.pathname !== opts.path)
      return void res.writeHead(404, {'content-type': 'text/plain'}).end(`tink webhook listen serves ${opts.path} only\n`)
    if (req.method !== 'POST') return void res.writeHead(405, {allow: 'POST', 'content-type': 'text/plain'}).end('Tink delivers webhooks with POST\n')
    const body = await readBody(req)
    if (body === undefined) {
      state.count++
      const message = `Not checked: the body is over ${MAX_BODY_BYTES} bytes`
      res.writeHead(413, {'content-type': 'text/plain'}).end(`${message}\n`)
      return opts.onDelivery({
        receivedAt: new Date().toISOString(),
        method: 'POST',
        path: url.pathname,
        verified: false,
        reason: 'too_large',
        message,
        status: 413,
      })
    }
    const header = req.headers[SIGNATURE_HEADER]
    const verdict = verifySignature({header: Array.isArray(header) ? header.join(',') : header, body, secret: opts.secret, maxAgeS: opts.maxAgeS, now: now()})
    const delivery: Delivery = {
      receivedAt: new Date().toISOString(),
      method: 'POST',
      path: url.pathname,
      verified: verdict.valid,
      status: 200,
      ...payloadFields(body),
    }
    state.count++
    if (!verdict.valid) {
      delivery.reason = verdict.reason
      delivery.message = verdict.message
      delivery.status = 412
      res.writeHead(412, {'content-type': 'text/plain'}).end(`${verdict.message}\n`)
    } else if (forward) {
      const answer = await forward(req, body)
      delivery.forward = answer.error === undefined ? {status: answer.status} : {error: answer.error}
      delivery.status = answer.status
      res.writeHead(answer.status, answer.headers).end(answer.body)
    } else {
      res.writeHead(200, {'content-type': 'text/plain'}).end('ok\n')
    }
    opts.onDelivery(delivery)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, opts.host, opts.port)))
    server.listen(opts.port, opts.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : opts.port
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return {
    url: `http://${host}:${port}${opts.path ?? '/'}`,
    get count() {
      return state.count
    },
    close: () => closeServer(server),
  }
}

function payloadFields(body: Buffer): Pick<Delivery, 'event' | 'context' | 'content'> {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const p = parsed as Record<string, unknown>
      return {event: p.event, context: p.context, content: p.content}
    }
  } catch {
    // not JSON: the line says so through an absent event
  }
  return {}
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= MAX_BODY_BYTES) chunks.push(c)
    })
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

type Forward = (req: IncomingMessage, body: Buffer) => Promise<{status: number; headers: Record<string, string>; body: Buffer; error?: string}>

/** Posts the raw body and the delivery's headers to the user's app; an app that cannot be reached is a 502 to the sender. */
async function forwarder(target: string): Promise<Forward> {
  const {request} = await import('undici')
  return async (req, body) => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !NOT_FORWARDED.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v
    try {
      const res = await request(target, {method: 'POST', headers, body, headersTimeout: FORWARD_TIMEOUT_MS, bodyTimeout: FORWARD_TIMEOUT_MS})
      const answer = Buffer.from(await res.body.arrayBuffer())
      const type = res.headers['content-type']
      const answerHeaders: Record<string, string> = typeof type === 'string' ? {'content-type': type} : {}
      return {status: res.statusCode, headers: answerHeaders, body: answer}
    } catch (err) {
      const message = err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err)
      return {
        status: 502,
        headers: {'content-type': 'text/plain'},
        body: Buffer.from(`tink webhook listen could not reach ${target}: ${message}\n`),
        error: message,
      }
    }
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): CliError {
  const where = `${host}:${port}`
  if (err.code === 'EADDRINUSE')
    return new CliError(`Cannot listen on ${where}: the port is in use`, {
      exitCode: ExitCode.UNAVAILABLE,
      code: 'port_in_use',
      hint: 'Pick another --port, or stop what listens there',
    })
  if (err.code === 'EACCES')
    return new CliError(`Cannot listen on ${where}: permission denied`, {
      exitCode: ExitCode.UNAVAILABLE,
      code: 'listen_failed',
      hint: 'Use a --port above 1023',
    })
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND')
    return new CliError(`Cannot listen on ${where}: this machine has no such address`, {
      exitCode: ExitCode.UNAVAILABLE,
      code: 'listen_failed',
      hint: 'Use --host 127.0.0.1 (the default)',
    })
  return new CliError(`Cannot listen on ${where}: ${err.message}`, {exitCode: ExitCode.UNAVAILABLE, code: 'listen_failed'})
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
