// Hostile or broken servers, every case of issue 7 in one place: a real loopback server that
// misbehaves on purpose (test/support/tink-server.js, or a raw TCP server where HTTP itself must
// break), the built CLI as a subprocess. Each case: the documented exit code, one clear line
// with the X-Request-ID when the server sent one, and no crash (no stack trace).
// Related cases elsewhere: test/lib/errors/exit-codes.test.js (statuses -> exit codes, retries),
// test/lib/http/retry-after.test.js (backoff, Retry-After longer than the CLI waits),
// test/lib/http/odd-answers.test.js (HTML 400), test/lib/cli/interrupts.test.js (SIGINT -> 130),
// test/lib/http/tls-and-proxies.test.js (proxies, TLS).
import assert from 'node:assert/strict'
import {createServer as createHttpServer} from 'node:http'
import {createServer as createTcpServer} from 'node:net'
import {describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {assertOneLineError, CREATE_PATH, DELETE_PATH, GRANT_PATH, newClient, oneJson, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'
import {startTinkServer, tinkError, tokenResponse} from '../../support/tink-server.js'

const srv = useTinkServer()

const token = (args = [], opts = {}) => runTink(['token', 'get', '--no-cache', ...args], {env: serverEnv(srv, opts.env)})

/** A server speaking raw TCP: `onSocket(socket, requestText)` decides what goes back. */
async function tcpServer(onSocket) {
  const sockets = new Set()
  const server = createTcpServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let head = ''
    socket.on('data', function first(d) {
      head += d.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', first)
      onSocket(socket, head)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const tcpEnv = (s) => ({TINK_API_URL: s.url, TINK_CLIENT_ID: newClient().id, TINK_CLIENT_SECRET: 'secret'})

describe('error pages and bodies that are not what Tink sends', () => {
  test('HTML error page with 502: its text, the request id, exit 5 after the retries', async () => {
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>'
    srv.script(TOKEN_PATH, {status: 502, headers: {'content-type': 'text/html', 'x-request-id': 'rid-502'}, body: html})
    const r = await token(['--retries', '1'])
    assertOneLineError(r, 5, /token request failed: HTTP 502: non-JSON body: "502 Bad Gateway 502 Bad Gateway nginx" \(after 2 attempts in \d+\.\d s\) \(X-Request-ID: rid-502\)\. Tink is failing/)
    assert.equal(srv.requests.length, 2, '502 is retried (--retries 1)')
  })

  test('empty 200 body: exit 5, not JSON, pointing at --base-url', async () => {
    srv.script(TOKEN_PATH, {status: 200, headers: {'content-type': 'application/json', 'x-request-id': 'rid-empty'}, body: ''})
    assertOneLineError(await token(), 5, /token request: the server answered 200 with a body that is not JSON \(X-Request-ID: rid-empty\)\. Check --base-url/)
  })

  test('JSON of the wrong shape: access_token missing -> exit 5', async () => {
    srv.script(TOKEN_PATH, {json: {token_type: 'bearer', expires_in: 1800}, headers: {'x-request-id': 'rid-shape'}})
    assertOneLineError(await token(), 5, /token request: the server's answer has no valid access_token \(X-Request-ID: rid-shape\)/)
  })

  test('JSON of the wrong shape: access_token not a string -> exit 5', async () => {
    srv.script(TOKEN_PATH, {json: {access_token: 12345, expires_in: 1800}})
    assertOneLineError(await token(), 5, /no valid access_token/)
  })

  test('JSON of the wrong shape: an array, or null -> exit 5', async () => {
    srv.script(TOKEN_PATH, {json: [tokenResponse()]})
    const array = await token()
    assertOneLineError(array, 5, /token request: the server answered 200 with JSON that is not an object/)
    assert.doesNotMatch(array.stderr, /no valid a /, 'said in English')
    srv.reset()
    srv.script(TOKEN_PATH, {body: 'null', headers: {'content-type': 'application/json'}})
    assertOneLineError(await token(), 5, /token request: the server answered 200 with JSON that is not an object/)
  })

  test('JSON of the wrong shape: grant answers `code` as a number -> exit 5, nothing printed', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({scope: 'authorization:grant'})})
    srv.script(GRANT_PATH, {json: {code: 42}, headers: {'x-request-id': 'rid-code'}})
    const r = await runTink(['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'], {env: serverEnv(srv)})
    assertOneLineError(r, 5, /authorization grant: the server's answer has no valid code \(X-Request-ID: rid-code\)/)
  })

  test('user create answers 200 without user_id -> exit 5 (and --json: the error document)', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(CREATE_PATH, {json: {external_user_id: 'u1'}, headers: {'x-request-id': 'rid-uid'}})
    const r = await runTink(['user', 'create', '--external-user-id', 'u1', '--market', 'GB', '--json'], {env: serverEnv(srv)})
    assert.equal(r.code, 5)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'invalid_response')
    assert.equal(doc.error.requestId, 'rid-uid')
    assert.match(doc.error.message, /no valid user_id/)
  })

  test('an error body that claims JSON but is not: the excerpt, exit 4', async () => {
    srv.script(TOKEN_PATH, {status: 400, headers: {'content-type': 'application/json', 'x-request-id': 'rid-400'}, body: '{"errorMessage": "unterminated'})
    assertOneLineError(await token(), 4, /HTTP 400: non-JSON body: "\{"errorMessage": "unterminated" \(X-Request-ID: rid-400\)/)
  })

  test('an answer that is not HTTP at all: exit 5, not retried forever, no crash', async () => {
    const s = await tcpServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'))
    try {
      const r = await runTink(['token', 'get', '--retries', '1'], {env: tcpEnv(s)})
      assertOneLineError(r, 5, /token request: cannot reach http:\/\/127\.0\.0\.1:\d+ /)
    } finally {
      await s.close()
    }
  })
})

describe('answers that never finish, connections that break', () => {
  test('a 200 that never finishes its body: exit 5 after --timeout', async () => {
    srv.script(TOKEN_PATH, {hang: 'body', json: tokenResponse()})
    const started = Date.now()
    assertOneLineError(await token(['--timeout', '1', '--retries', '0']), 5, /did not answer within 1 s.*larger --timeout/)
    assert.ok(Date.now() - started < 4000)
  })

  test('a body dripped one byte at a time, each within --timeout: still ends, exit 5', async () => {
    // Each byte arrives well inside the per-chunk timeout, so only a deadline on the whole body stops it.
    const s = await tcpServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: rid-drip\r\ntransfer-encoding: chunked\r\n\r\n')
      const timer = setInterval(() => socket.write('1\r\n \r\n'), 200)
      socket.on('close', () => clearInterval(timer))
    })
    try {
      const started = Date.now()
      const r = await runTink(['token', 'get', '--timeout', '1', '--retries', '0'], {env: tcpEnv(s)})
      assertOneLineError(r, 5, /within 1 s/)
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
    } finally {
      await s.close()
    }
  })

  test('connection refused: exit 5 naming the URL and the way on', async () => {
    const s = await startTinkServer()
    const url = s.url
    await s.close()
    const r = await runTink(['token', 'get', '--retries', '0'], {env: {TINK_API_URL: url, TINK_CLIENT_ID: 'id', TINK_CLIENT_SECRET: 'secret'}})
    assertOneLineError(r, 5, new RegExp(`cannot reach ${url.replace(/[.]/g, '\\.')} \\(ECONNREFUSED.*Check --base-url / --region`))
  })

  test('a reset mid-response (headers and half a body, then RST): exit 5; retried, a later answer wins', async () => {
    let n = 0
    const s = await tcpServer((socket) => {
      if (++n === 1) {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{"access_token": "half')
        setTimeout(() => socket.resetAndDestroy(), 50)
      } else {
        const body = JSON.stringify(tokenResponse({access_token: 'second-try'}))
        socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`)
      }
    })
    try {
      const once = await runTink(['token', 'get', '--retries', '0'], {env: tcpEnv(s)})
      assertOneLineError(once, 5, /token request: cannot reach .*\((ECONNRESET|UND_ERR_SOCKET)/)
      n = 0
      const retried = await runTink(['token', 'get', '--raw', '--retries', '1'], {env: tcpEnv(s)})
      assert.equal(retried.code, 0, retried.stderr)
      assert.equal(retried.stdout, 'second-try\n')
    } finally {
      await s.close()
    }
  })

  test('a reset before any answer, every time: exit 5 after 1 + --retries attempts', async () => {
    srv.script(TOKEN_PATH, {destroy: true})
    assertOneLineError(await token(['--retries', '2']), 5, /cannot reach .*\(after 3 attempts in \d+\.\d s\)/)
    assert.equal(srv.requests.length, 3)
  })
})

describe('redirects and huge bodies', () => {
  for (const status of [301, 302, 307, 308]) {
    test(`${status} redirect: not followed for POST, reported with its target, exit 5`, async () => {
      const target = await startTinkServer()
      try {
        srv.script(TOKEN_PATH, {status, headers: {location: `${target.url}/elsewhere`, 'x-request-id': `rid-${status}`}})
        const r = await token()
        assertOneLineError(r, 5, new RegExp(`answered ${status}, a redirect to ${target.url}/elsewhere; redirects are not followed for POST \\(X-Request-ID: rid-${status}\\)\\. Check --base-url`))
        assert.equal(srv.requests.length, 1, 'not retried')
        assert.equal(target.requests.length, 0, 'not followed: the secret never went to the redirect target')
      } finally {
        await target.close()
      }
    })
  }

  test('a 2 MiB answer: capped at 1 MiB, exit 5', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse({padding: 'x'.repeat(2 << 20)}), headers: {'x-request-id': 'rid-big'}})
    assertOneLineError(await token(), 5, /token request: the response body is larger than 1024 KiB; not read further \(X-Request-ID: rid-big\)/)
  })

  test('an endless body: the CLI stops reading at the cap and hangs up, exit 5', async () => {
    let sent = 0
    let closed
    const server = createHttpServer((req, res) => {
      res.writeHead(200, {'content-type': 'application/json'})
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length
        if (!res.destroyed) res.once('drain', pump)
      }
      closed = new Promise((resolve) => res.on('close', resolve))
      pump()
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const r = await runTink(['token', 'get'], {env: {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: newClient().id, TINK_CLIENT_SECRET: 's'}})
      assertOneLineError(r, 5, /larger than 1024 KiB/)
      await closed
      assert.ok(sent < 16 << 20, `the CLI hung up after ${sent} bytes, not reading on`)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('Tink errors: 401, 403, 429', () => {
  test('401 with Tink error JSON: exit 3, its message and code, the request id, the credentials hint', async () => {
    srv.script(TOKEN_PATH, tinkError(401, 'invalid_client', 'Client authentication failed', {'x-request-id': 'rid-401'}))
    assertOneLineError(await token(), 3, /token request failed: HTTP 401: Client authentication failed \[invalid_client\] \(X-Request-ID: rid-401\)\. Check TINK_CLIENT_ID, TINK_CLIENT_SECRET and the region/)
    assert.equal(srv.requests.length, 1, 'not retried')
  })

  test('403 with Tink error JSON on user delete: exit 3, the scope hint', async () => {
    srv.script(TOKEN_PATH, {json: tokenResponse()})
    srv.script(GRANT_PATH, tinkError(403, 'insufficient_scope', 'Token lacks authorization:grant', {'x-request-id': 'rid-403'}))
    const r = await runTink(['user', 'delete', '--external-user-id', 'u1', '--yes'], {env: serverEnv(srv)})
    assertOneLineError(r, 3, /authorization grant failed: HTTP 403: Token lacks authorization:grant \[insufficient_scope\] \(X-Request-ID: rid-403\)\. The token lacks a scope/)
    assert.equal(srv.to(DELETE_PATH).length, 0)
  })

  test('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Too many requests', {'retry-after': '1'}), {json: tokenResponse({access_token: 'after-wait'})})
    const r = await token(['--raw'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'after-wait\n')
    const gap = srv.requests[1].at - srv.requests[0].at
    assert.ok(gap >= 950, `waited ${Math.round(gap)} ms`)
  })

  test('429 with Retry-After as an HTTP date: waits until then; exhausted -> exit 5 with the request id', async () => {
    const at = () => new Date(Date.now() + 2000).toUTCString()
    srv.script(TOKEN_PATH, () => tinkError(429, 'rate_limited', 'Too many requests', {'retry-after': at(), 'x-request-id': 'rid-429'}))
    const r = await token(['--retries', '1'])
    assertOneLineError(r, 5, /HTTP 429: Too many requests \[rate_limited\] \(after 2 attempts in \d+\.\d s\) \(X-Request-ID: rid-429\)\. Rate limited by Tink/)
    const gap = srv.requests[1].at - srv.requests[0].at
    // An HTTP date has whole seconds: the wait is between 1 and 2 s.
    assert.ok(gap >= 900 && gap < 3000, `waited ${Math.round(gap)} ms`)
  })

  test('429 with a Retry-After that is garbage: ignored, the usual backoff, then success', async () => {
    srv.script(TOKEN_PATH, tinkError(429, 'rate_limited', 'Slow', {'retry-after': 'soon-ish'}), {json: tokenResponse({access_token: 'ok'})})
    const r = await token(['--raw'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'ok\n')
  })
})
