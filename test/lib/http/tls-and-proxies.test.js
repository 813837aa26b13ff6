// The network between tink and Tink: a real CONNECT proxy on loopback (HTTPS_PROXY, HTTP_PROXY,
// NO_PROXY), and a local HTTPS server whose certificate comes from a CA made at test time with
// openssl: refused with a clear certificate error by default, trusted with NODE_EXTRA_CA_CERTS,
// and no flag that turns verification off. SIGINT during a request (exit 130, nothing on stdout)
// is covered in test/lib/cli/interrupts.test.js ("Ctrl-C").
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:https'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import {runCli, tempDir} from '../../helpers.js'
import {assertOneLineError, newClient, TOKEN_PATH} from '../../support/cli.js'
import {startConnectProxy, TEST_HOST} from '../../support/connect-proxy.js'
import {startTinkServer, tokenResponse} from '../../support/tink-server.js'

const dir = tempDir('tink-tls-')
const pem = (name) => join(dir, name)

/** A CA and a server certificate for localhost / 127.0.0.1 signed by it; a second, unrelated CA. */
function makeCerts() {
  const ssl = (...args) => execFileSync('openssl', args, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tink test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign')
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=some other CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign')
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
  writeFileSync(pem('ext.cnf'), `subjectAltName=DNS:localhost,DNS:${TEST_HOST},IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf')
}

let https
let requests = []
before(async () => {
  makeCerts()
  const server = createServer({key: readFileSync(pem('server.key')), cert: readFileSync(pem('server.pem'))}, (req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      requests.push({path: req.url, form: Object.fromEntries(new URLSearchParams(body))})
      res.writeHead(req.url === TOKEN_PATH ? 200 : 404, {'content-type': 'application/json', 'x-request-id': 'tls-1'})
      res.end(JSON.stringify(req.url === TOKEN_PATH ? tokenResponse({access_token: 'over-tls'}) : {errorMessage: 'no'}))
    })
  })
  server.on('tlsClientError', () => {})
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  https = {server, port: server.address().port}
})
after(async () => {
  https.server.closeAllConnections()
  await new Promise((resolve) => https.server.close(resolve))
})

const creds = () => ({TINK_CLIENT_ID: newClient().id, TINK_CLIENT_SECRET: 'tls-secret'})
const token = (url, env = {}, args = []) => runCli(['token', 'get', '--raw', '--no-cache', '--retries', '0', ...args], {env: {TINK_API_URL: url, ...creds(), ...env}})

describe('TLS with a private CA', () => {
  test('by default the self-signed chain is refused: exit 5, a certificate error naming NODE_EXTRA_CA_CERTS, nothing sent', async () => {
    requests = []
    const r = await token(`https://localhost:${https.port}`)
    assertOneLineError(r, 5, /token request: TLS certificate of https:\/\/localhost:\d+ is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY).*NODE_EXTRA_CA_CERTS/)
    assert.equal(requests.length, 0, 'no request, so no secret, over an untrusted connection')
  })

  test('NODE_EXTRA_CA_CERTS pointing at the CA: the token comes back', async () => {
    requests = []
    const r = await token(`https://localhost:${https.port}`, {NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'over-tls\n')
    assert.equal(requests[0].form.client_secret, 'tls-secret')
  })

  test('trusted CA but the wrong host name (127.0.0.2 is not in the certificate): exit 5, a TLS error', async () => {
    requests = []
    // The certificate names localhost and 127.0.0.1; reach the same server by another loopback address.
    const r = await token(`https://127.0.0.2:${https.port}`, {NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    if (/ECONNREFUSED/.test(r.stderr)) return // no 127.0.0.2 route on this machine: nothing to check
    assertOneLineError(r, 5, /TLS certificate of https:\/\/127\.0\.0\.2:\d+ is not trusted \(ERR_TLS_CERT_ALTNAME_INVALID/)
    assert.equal(requests.length, 0)
  })

  test('NODE_EXTRA_CA_CERTS with another CA does not help: still refused', async () => {
    const r = await token(`https://localhost:${https.port}`, {NODE_EXTRA_CA_CERTS: pem('other.pem')})
    assertOneLineError(r, 5, /is not trusted/)
  })

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment does not switch verification off: refused, no secret sent', async () => {
    requests = []
    const proxy = await startConnectProxy()
    try {
      for (const [host, via] of [['localhost', {}], [TEST_HOST, {HTTPS_PROXY: proxy.url}]]) {
        const r = await token(`https://${host}:${https.port}`, {NODE_TLS_REJECT_UNAUTHORIZED: '0', ...via})
        // Node itself warns about the variable on stderr; tink's own line follows it.
        assert.equal(r.code, 5, r.stderr)
        assert.equal(r.stdout, '')
        assert.match(r.stderr, /^Error: token request: TLS certificate of .* is not trusted/m)
      }
    } finally {
      await proxy.close()
    }
    assert.deepEqual(requests, [], 'the untrusted server never got the secret')
  })

  test('verification is never disabled by a flag: no such flag exists, and guesses are usage errors', async () => {
    for (const id of ['token get', 'grant create', 'grant delegate', 'user create', 'user delete', 'profile add']) {
      const help = await runCli([...id.split(' '), '--help'])
      assert.equal(help.code, 0)
      const flags = [...help.stdout.matchAll(/--([a-z-]+)/g)].map((m) => m[1])
      assert.deepEqual(flags.filter((f) => /insecure|tls|verify|cert|reject|ssl/.test(f) && f !== 'allow-insecure-http' && f !== 'insecure-storage' && f !== 'no-verify'), [], id)
    }
    // profile add --no-verify skips the credentials check, not TLS verification: see its help.
    for (const flag of ['--insecure', '--no-tls-verify', '--tls-insecure', '-k']) {
      const r = await token(`https://localhost:${https.port}`, {}, [flag])
      assert.equal(r.code, 2, `${flag}: ${r.stderr}`)
    }
  })
})

describe('proxies: a real CONNECT proxy on loopback, for a host name only it resolves', () => {
  let proxy
  let plain
  const remote = () => `https://${TEST_HOST}:${https.port}`
  before(async () => {
    proxy = await startConnectProxy()
    plain = await startTinkServer()
  })
  after(async () => {
    await proxy.close()
    await plain.close()
  })

  test('HTTPS_PROXY: the https request goes through a CONNECT tunnel, TLS end to end (the proxy never sees the secret)', async () => {
    proxy.seen.length = 0
    const r = await token(remote(), {HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'over-tls\n')
    assert.deepEqual(proxy.seen.map((s) => `${s.method} ${s.target}`), [`CONNECT ${TEST_HOST}:${https.port}`])
    assert.ok(!JSON.stringify(proxy.seen).includes('tls-secret'))
  })

  test('lowercase https_proxy works too', async () => {
    proxy.seen.length = 0
    const r = await token(remote(), {https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(proxy.seen.length, 1)
  })

  test('HTTP_PROXY: a plain http:// API on another host (with --allow-insecure-http) is reached through the proxy', async () => {
    proxy.seen.length = 0
    plain.reset()
    plain.script(TOKEN_PATH, {json: tokenResponse({access_token: 'via-proxy'})})
    const url = `http://${TEST_HOST}:${plain.port}`
    const refused = await token(url, {HTTP_PROXY: proxy.url})
    assertOneLineError(refused, 2, /Refusing plain http:\/\/ to api\.tink-proxy\.test/)
    const r = await token(url, {HTTP_PROXY: proxy.url}, ['--allow-insecure-http'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'via-proxy\n')
    assert.equal(proxy.seen.length, 1, 'went through the proxy')
    assert.match(proxy.seen[0].target, new RegExp(`${TEST_HOST.replace(/\./g, '\\.')}:${plain.port}`))
    assert.equal(plain.requests.length, 1)
  })

  test('loopback targets (127.0.0.0/8, localhost, ::1) never go through a proxy: the secret never reaches it', async () => {
    for (const host of ['127.0.0.1', 'localhost', '127.0.0.2', '[::1]']) {
      proxy.seen.length = 0
      plain.reset()
      plain.script(TOKEN_PATH, {json: tokenResponse({access_token: 'direct'})})
      const r = await token(`http://${host}:${plain.port}`, {HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, http_proxy: proxy.url})
      // The test server listens on 127.0.0.1 only: elsewhere the direct attempt is refused, which still shows it went direct.
      if (r.code !== 0) assertOneLineError(r, 5, new RegExp(`cannot reach http://${host.replace(/[.[\]]/g, '\\$&')}:\\d+ \\((ECONNREFUSED|EADDRNOTAVAIL)`))
      else assert.equal(r.stdout, 'direct\n')
      assert.deepEqual(proxy.seen, [], `${host}: nothing went to the proxy`)
    }
  })

  test('NO_PROXY: a listed host is reached directly, the proxy sees nothing', async () => {
    proxy.seen.length = 0
    const r = await token(remote(), {HTTPS_PROXY: proxy.url, NO_PROXY: `example.com,${TEST_HOST}`, NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    // Only the proxy resolves the name: directly, it does not resolve.
    assertOneLineError(r, 5, /cannot reach https:\/\/api\.tink-proxy\.test:\d+ \((ENOTFOUND|EAI_AGAIN)/)
    assert.equal(proxy.seen.length, 0)
  })

  test('a proxy that refuses the tunnel (407): exit 5, one line naming the proxy, not retried', async () => {
    const refusing = await startConnectProxy({refuse: true})
    try {
      const r = await token(remote(), {HTTPS_PROXY: refusing.url, NODE_EXTRA_CA_CERTS: pem('ca.pem')})
      assertOneLineError(r, 5, new RegExp(`cannot reach https://api\\.tink-proxy\\.test:\\d+ through the proxy ${refusing.url.replace(/[.]/g, '\\.')} \\(it answered HTTP 407 to CONNECT\\).*HTTPS_PROXY`))
      assert.equal(refusing.seen.length, 1)
    } finally {
      await refusing.close()
    }
  })

  test('a proxy that hangs up on CONNECT: every retry is one attempt, the command ends, the message names the proxy', async () => {
    const hangup = await startConnectProxy({hangup: true})
    try {
      const started = Date.now()
      const r = await runCli(['token', 'get', '--raw', '--no-cache', '--retries', '2', '--timeout', '2'], {env: {TINK_API_URL: remote(), ...creds(), HTTPS_PROXY: hangup.url}, timeoutMs: 20_000})
      assertOneLineError(r, 5, new RegExp(`cannot reach https://api\\.tink-proxy\\.test:\\d+ through the proxy ${hangup.url.replace(/[.]/g, '\\.')} .*\\(after 3 attempts in \\d+\\.\\d s\\)`))
      assert.equal(hangup.seen.length, 3, 'one CONNECT per attempt, not a reconnect loop')
      assert.ok(Date.now() - started < 10_000)
    } finally {
      await hangup.close()
    }
  })

  test('a proxy that is not running: exit 5, not a hang', async () => {
    const gone = await startConnectProxy()
    const url = gone.url
    await gone.close()
    const r = await token(remote(), {HTTPS_PROXY: url, NODE_EXTRA_CA_CERTS: pem('ca.pem')})
    assertOneLineError(r, 5, /cannot reach .* through the proxy .*ECONNREFUSED/)
  })
})

describe('waits: bounded and announced', () => {
  let srv
  before(async () => {
    srv = await startTinkServer()
  })
  after(() => srv.close())

  test('a server that never answers: a timed-out attempt is retried once, not --retries times, and the error gives the time spent', async () => {
    srv.reset()
    srv.script(TOKEN_PATH, {hang: 'headers'})
    const r = await runCli(['token', 'get', '--raw', '--no-cache', '--timeout', '1', '--retries', '3'], {env: {TINK_API_URL: srv.url, ...creds()}})
    assertOneLineError(r, 5, /did not answer within 1 s \(no answer\) \(after 2 attempts in \d+\.\d s\)/)
    assert.equal(srv.requests.length, 2)
  })

  test('a wait longer than 2 s is announced on stderr when it starts, also when stderr is not a terminal', async () => {
    srv.reset()
    srv.script(TOKEN_PATH, {status: 503, headers: {'retry-after': '3'}, json: {errorMessage: 'busy', errorCode: 'busy'}}, {json: tokenResponse({access_token: 'after-wait'})})
    const r = await runCli(['token', 'get', '--raw', '--no-cache', '--retries', '1'], {env: {TINK_API_URL: srv.url, ...creds()}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'after-wait\n')
    assert.match(r.stderr, /^Waiting 3 s before retrying the token request \(attempt 2 of 2\): the server asked for it \(Retry-After\)\n$/)
  })
})
