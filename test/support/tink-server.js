// A small scriptable Tink-like HTTP server for tests: real HTTP on 127.0.0.1 (port 0), every
// request recorded, every answer taken from a per-test script. It exists for what the emulator
// cannot do on purpose: check byte for byte what the CLI sends, and misbehave (HTML errors,
// Retry-After, resets, answers that never come). Hostile-server tests reuse it, so it knows
// nothing about the CLI.
//
//   const srv = await startTinkServer()
//   srv.script('/api/v1/oauth/token', {status: 503, headers: {'retry-after': '1'}}, {json: TOKEN})
//   ... run the CLI against srv.url ...
//   srv.requests  // [{method, path, query, headers, body, form, json, at}]
//   await srv.close()
//
// A response spec (or a function (request) => spec, evaluated when the request arrives):
//   status   default 200
//   headers  extra response headers; x-request-id defaults to "req-<n>" (set it to null to omit)
//   json     a value sent as application/json
//   body     a string (or Buffer) sent as is; content-type from headers or text/plain
//   delay    ms to wait before answering
//   destroy  true: reset the socket instead of answering (after `delay`)
//   hang     'headers': never answer at all; 'body' or true: send the headers and part of
//            the body, then never finish it
// Each path has a queue: every request takes the next entry; the last entry of a queue is
// reused once the queue is down to it (so `script(path, ok)` answers every request with ok).
// Unscripted paths answer 404 with a Tink error body.
import {createServer} from 'node:http'

export async function startTinkServer() {
  const queues = new Map()
  const requests = []
  const sockets = new Set()
  const waiters = []
  let count = 0

  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const url = new URL(req.url, 'http://127.0.0.1')
      const record = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: {...req.headers},
        body: raw,
        form: undefined,
        json: undefined,
        at: performance.now(),
      }
      const type = req.headers['content-type'] ?? ''
      if (type.startsWith('application/x-www-form-urlencoded')) record.form = Object.fromEntries(new URLSearchParams(raw))
      if (type.startsWith('application/json')) {
        try {
          record.json = JSON.parse(raw)
        } catch {
          record.json = undefined
        }
      }
      requests.push(record)
      count++
      for (const w of [...waiters]) w.check()
      answer(req, res, record, `req-${count}`)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  // Idle connections stay open for a minute: a CLI that forgets to close its agent would hang.
  server.keepAliveTimeout = 60_000
  // Used as an HTTPS proxy: record where the client wanted to go, then refuse the tunnel.
  server.on('connect', (req, socket) => {
    requests.push({method: 'CONNECT', path: req.url, query: {}, headers: {...req.headers}, body: '', at: performance.now()})
    count++
    for (const w of [...waiters]) w.check()
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
  })

  function next(path) {
    const q = queues.get(path)
    if (!q || q.length === 0) return undefined
    return q.length > 1 ? q.shift() : q[0]
  }

  function answer(req, res, record, requestId) {
    let spec = next(record.path)
    if (typeof spec === 'function') spec = spec(record)
    if (!spec) {
      spec = {status: 404, json: {errorMessage: `tink-server: nothing scripted for ${record.method} ${record.path}`, errorCode: 'not_scripted'}}
    }
    const run = () => {
      if (res.destroyed) return
      if (spec.destroy) {
        req.socket.destroy()
        return
      }
      if (spec.hang === 'headers') return
      const headers = {'x-request-id': requestId, ...(spec.headers ?? {})}
      for (const [k, v] of Object.entries(headers)) if (v === null || v === undefined) delete headers[k]
      let body = ''
      if (spec.json !== undefined) {
        body = JSON.stringify(spec.json)
        headers['content-type'] ??= 'application/json'
      } else if (spec.body !== undefined) {
        body = spec.body
        headers['content-type'] ??= 'text/plain'
      }
      if (spec.hang === true || spec.hang === 'body') {
        // Announce more than is sent, send a little, and stop there.
        const buf = Buffer.from(body || '{"access_token": "')
        res.writeHead(spec.status ?? 200, {...headers, 'content-length': String(buf.length + 1000)})
        res.write(buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))))
        return
      }
      res.writeHead(spec.status ?? 200, headers)
      res.end(body)
    }
    if (spec.delay) setTimeout(run, spec.delay)
    else run()
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address()

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Appends responses to the queue of `path` (any method). */
    script(path, ...responses) {
      const q = queues.get(path) ?? []
      q.push(...responses)
      queues.set(path, q)
      return this
    },
    /** Forgets scripts and recorded requests (between tests sharing one server). */
    reset() {
      queues.clear()
      requests.length = 0
      count = 0
    },
    /** The recorded requests to one path. */
    to(path) {
      return requests.filter((r) => r.path === path)
    },
    /** Resolves once `n` requests have arrived (rejects after timeoutMs). */
    waitForRequests(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const w = {
          check: () => {
            if (requests.length >= n) {
              clearTimeout(w.timer)
              waiters.splice(waiters.indexOf(w), 1)
              resolve(requests.slice())
            }
          },
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(w), 1)
            reject(new Error(`tink-server: ${requests.length} of ${n} requests after ${timeoutMs} ms`))
          }, timeoutMs),
        }
        waiters.push(w)
        w.check()
      })
    },
    /** Stops listening and cuts every open connection (hanging answers included). */
    async close() {
      for (const w of waiters.splice(0)) clearTimeout(w.timer)
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A token response like Tink's. */
export function tokenResponse(overrides = {}) {
  return {access_token: 'tok-' + Math.random().toString(36).slice(2), token_type: 'bearer', expires_in: 1800, scope: 'user:create', ...overrides}
}

/** A Tink error answer. */
export function tinkError(status, errorCode, errorMessage, headers = {}) {
  return {status, json: {errorMessage, errorCode}, headers}
}
