// `tink api`, in process against the emulator with demo data (test/support/demo-emulator.js, real
// HTTP over loopback) or a scripted server: paging, the cached user token, redaction, usage
// errors, exit codes, redirects, binary bodies, --input.
import {after, before, test} from 'node:test'
import assert from 'node:assert/strict'
import {createServer} from 'node:http'
import {tempDir} from '../helpers.js'
import {runTink} from '../support/in-process.js'
import {startDemoEmulator} from '../support/demo-emulator.js'

let CLIENT
let emu
let env
before(async () => ({client: CLIENT, emu, env} = await startDemoEmulator('cli-api')))
after(() => emu.close())

const since = (n) => emu.requests.slice(n).map((r) => `${r.method} ${r.path.split('?')[0]}`)

test('api --paginate: every transaction of the user as one JSON array, over several pages', async () => {
  const n = emu.requests.length
  const r = await runTink(['api', '/data/v2/transactions', '--external-user-id', 'demo-1', '--paginate'], {env})
  assert.equal(r.code, 0, r.stderr)
  const items = JSON.parse(r.stdout)
  assert.ok(items.length >= 250 && items.length <= 350, `${items.length} transactions`)
  assert.equal(new Set(items.map((t) => t.id)).size, items.length, 'no page twice')
  assert.ok(since(n).filter((p) => p === 'GET /data/v2/transactions').length >= 3, 'at least three pages')
  const nd = await runTink(['api', '/data/v2/transactions', '-e', 'demo-1', '--paginate', '--ndjson', '-f', 'pageSize=100'], {env})
  assert.equal(nd.code, 0, nd.stderr)
  assert.equal(nd.stdout.trim().split('\n').length, items.length)
})

test('api: the second call for the same user and scope costs one request (cached user token)', async () => {
  // A profile's credentials (env credentials are never cached), in the file store to need no keychain.
  const profile = {TINK_CONFIG_DIR: tempDir('tink-config-')}
  const add = await runTink(['profile', 'add', 'api', '--base-url', emu.url, '--client-id', CLIENT.id, '--client-secret-stdin', '--insecure-storage', '--no-verify'], {env: profile, input: CLIENT.secret})
  assert.equal(add.code, 0, add.stderr)
  const first = await runTink(['api', '/data/v2/accounts', '--external-user-id', 'demo-2'], {env: profile})
  assert.equal(first.code, 0, first.stderr)
  assert.equal(JSON.parse(first.stdout).accounts.length, 2)
  const n = emu.requests.length
  const second = await runTink(['api', '/data/v2/accounts', '--external-user-id', 'demo-2'], {env: profile})
  assert.equal(second.code, 0, second.stderr)
  assert.deepEqual(since(n), ['GET /data/v2/accounts'])
  assert.equal(second.stdout, first.stdout, 'the body as received')
})

test('api: the token is never printed, and redacted in --verbose', async () => {
  const r = await runTink(['api', '/api/v1/user', '-e', 'demo-3', '--verbose', '--no-cache'], {env})
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /authorization: Bearer \*\*\*/)
  for (const t of emu.requests.slice(-1).map((q) => q.headers?.authorization?.slice(7)).filter(Boolean)) {
    assert.ok(!r.stderr.includes(t) && !r.stdout.includes(t))
  }
})

test('api: usage errors before any request (unknown path without --scope, another host, --token with a value)', async () => {
  const n = emu.requests.length
  const cases = [
    [['api', '/api/v1/unknown', '-e', 'demo-1'], /No known scope for \/api\/v1\/unknown.*--scope/],
    [['api', 'https://elsewhere.example/data/v2/accounts', '-e', 'demo-1'], /not the API base URL/],
    [['api', '/data/v2/accounts', '--token', 'abc'], /--token takes only "-"/],
    [['api', '/data/v2/accounts', '-H', 'Authorization: Bearer x', '-e', 'demo-1'], /Authorization is not allowed/],
  ]
  for (const [args, re] of cases) {
    const r = await runTink(args, {env})
    assert.equal(r.code, 2, r.stderr)
    assert.match(r.stderr, re)
  }
  // The body and the token cannot both come from standard input.
  const both = await runTink(['api', 'POST', '/api/v1/user', '--input', '-', '--token', '-'], {env, input: '{"a":1}\n'})
  assert.equal(both.code, 2, both.stderr)
  assert.match(both.stderr, /Standard input is already used for the request body; cannot also read the access token/)
  assert.deepEqual(since(n), [])
})

test('api: error classes map to exit codes (404 -> 4, 403 scope -> 3, --json error document)', async () => {
  const nf = await runTink(['api', '/data/v2/accounts/nope/balances', '-e', 'demo-1', '--scope', 'accounts:read'], {env})
  assert.equal(nf.code, 4, nf.stderr)
  const scope = await runTink(['api', '/data/v2/accounts', '-e', 'demo-1', '--scope', 'user:read'], {env})
  assert.equal(scope.code, 3, scope.stderr)
  assert.match(scope.stderr, /HTTP 403/)
  const j = await runTink(['api', '/data/v2/accounts', '-e', 'demo-1', '--scope', 'user:read', '--json'], {env})
  assert.equal(j.code, 3)
  assert.equal(JSON.parse(j.stdout).error.status ?? 403, 403)
  const nouser = await runTink(['api', '/api/v1/user', '-e', 'nobody'], {env})
  assert.equal(nouser.code, 4, nouser.stderr)
})

test('api: a redirect to another host is refused and the token goes nowhere', async () => {
  const hits = []
  const other = createServer((req, res) => {
    hits.push(req.headers.authorization)
    res.end('{}')
  })
  await new Promise((r) => other.listen(0, '127.0.0.1', r))
  const redirector = createServer((req, res) => {
    res.writeHead(302, {location: `http://localhost:${other.address().port}/steal`})
    res.end()
  })
  await new Promise((r) => redirector.listen(0, '127.0.0.1', r))
  try {
    const r = await runTink(['api', '/data/v2/accounts', '--token', '-'], {env: {...env, TINK_API_URL: `http://127.0.0.1:${redirector.address().port}`}, input: 'secret-token-value'})
    assert.equal(r.code, 5, r.stderr)
    assert.match(r.stderr, /a redirect to http:\/\/localhost:\d+\/steal; not followed: the token is never sent to another origin/)
    assert.ok(!r.stderr.includes('secret-token-value'))
    assert.deepEqual(hits, [])
  } finally {
    other.close()
    redirector.close()
  }
})

/** A server for the cases the emulator cannot play: `handler(req, res, body)` answers. */
async function withServer(handler, fn) {
  const seen = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (d) => chunks.push(d))
    req.on('end', () => {
      const bytes = Buffer.concat(chunks)
      seen.push({method: req.method, url: req.url, body: bytes.toString('utf8'), bytes})
      handler(req, res, bytes.toString('utf8'))
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  try {
    return await fn(`http://127.0.0.1:${server.address().port}`, seen)
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

test('api: a non-text body is written byte for byte (a PDF stays a PDF), on a terminal too', async () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({length: 1015}, (_, i) => (i * 37 + 128) % 256))])
  assert.equal(pdf.length, 1024)
  await withServer(
    (req, res) => {
      res.writeHead(200, {'content-type': 'application/pdf'})
      res.end(pdf)
    },
    async (url) => {
      for (const stdoutTTY of [false, true]) {
        const r = await runTink(['api', '/report.pdf', '--token', '-'], {env: {...env, TINK_API_URL: url}, input: 'tok', stdoutTTY})
        assert.equal(r.code, 0, r.stderr)
        const out = r.stdoutBytes
        assert.equal(out.length, 1024, `stdout is ${out.length} bytes (terminal: ${stdoutTTY})`)
        assert.ok(out.equals(pdf))
      }
    },
  )
})

test('api --paginate: a repeated nextPageToken, or more pages than --max-pages, stops with the pages fetched printed and exit 6', async () => {
  await withServer(
    (req, res) => {
      const token = new URL(req.url, 'http://x').searchParams.get('pageToken')
      const n = token ? Number(token.slice(1)) : 0
      res.writeHead(200, {'content-type': 'application/json'})
      // Page n points at n+1 forever, except that "loop" mode repeats token p1 after page 2.
      res.end(JSON.stringify({items: [{page: n}], nextPageToken: req.url.includes('loop=1') && n >= 2 ? 'p1' : `p${n + 1}`}))
    },
    async (url, seen) => {
      const loop = await runTink(['api', '/data/v2/accounts', '--token', '-', '--paginate', '-f', 'loop=1'], {env: {...env, TINK_API_URL: url}, input: 'tok'})
      assert.equal(loop.code, 6, loop.stderr)
      assert.deepEqual(JSON.parse(loop.stdout).map((i) => i.page), [0, 1, 2])
      assert.match(loop.stderr, /--paginate stopped after 3 pages: page 3 repeats the nextPageToken of an earlier page/)
      seen.length = 0
      const capped = await runTink(['api', '/data/v2/accounts', '--token', '-', '--paginate', '--max-pages', '5', '--ndjson'], {env: {...env, TINK_API_URL: url}, input: 'tok'})
      assert.equal(capped.code, 6, capped.stderr)
      assert.equal(seen.length, 5)
      assert.deepEqual(capped.stdout.trim().split('\n').map((l) => JSON.parse(l).page), [0, 1, 2, 3, 4])
      assert.match(capped.stderr, /--paginate stopped after 5 pages: --max-pages 5 reached and the server has more/)
      // The default cap: 1,000 pages, then it stops.
      seen.length = 0
      const endless = await runTink(['api', '/data/v2/accounts', '--token', '-', '--paginate', '--ndjson'], {env: {...env, TINK_API_URL: url}, input: 'tok'})
      assert.equal(endless.code, 6, endless.stderr)
      assert.equal(seen.length, 1000)
    },
  )
})

test('api --paginate on an endpoint without pages prints the answer as received, with a note: no data dropped', async () => {
  const plain = await runTink(['api', '/api/v1/user', '-e', 'demo-1'], {env})
  const paged = await runTink(['api', '/api/v1/user', '-e', 'demo-1', '--paginate'], {env})
  assert.equal(paged.code, 0, paged.stderr)
  assert.deepEqual(JSON.parse(paged.stdout), JSON.parse(plain.stdout))
  assert.match(paged.stderr, /--paginate: \/api\/v1\/user answered without nextPageToken and a list, so it has no pages; printed as received/)
})

test('api: headers only the HTTP layer sets are a usage error, nothing sent', async () => {
  const n = emu.requests.length
  for (const h of ['Expect: 100-continue', 'Transfer-Encoding: chunked', 'Upgrade: h2c', 'Connection: close', 'Host: evil.example', 'Content-Length: 5']) {
    const r = await runTink(['api', '/data/v2/accounts', '-e', 'demo-1', '-H', h], {env})
    assert.equal(r.code, 2, `${h}: ${r.stderr}`)
    assert.match(r.stderr, new RegExp(`--header ${h.split(':')[0]} is not allowed: the HTTP layer sets it itself`))
  }
  assert.deepEqual(since(n), [])
})

test('api trip-ups: -f on a read path is its query (GET); "tink api GET" asks which path; a base URL with /api gets a hint', async () => {
  const n = emu.requests.length
  const f = await runTink(['api', '/data/v2/transactions', '-e', 'demo-1', '-f', 'pageSize=5'], {env})
  assert.equal(f.code, 0, f.stderr)
  assert.equal(JSON.parse(f.stdout).transactions.length, 5)
  const last = emu.requests.at(-1)
  assert.equal(last.method, 'GET')
  const which = await runTink(['api', 'GET'], {env})
  assert.equal(which.code, 2, which.stderr)
  assert.match(which.stderr, /Which path\? GET needs one/)
  assert.ok(!/\/GET/.test(which.stderr))
  assert.ok(emu.requests.length - n <= 4, 'GET alone sends nothing')
  // A POST of -f fields refused with 405: the hint says how to make them a query.
  await withServer(
    (req, res) => {
      res.writeHead(req.method === 'POST' ? 405 : 200, {'content-type': 'application/json'})
      res.end(req.method === 'POST' ? JSON.stringify({errorMessage: 'Method not allowed', errorCode: 'method_not_allowed'}) : '{}')
    },
    async (url) => {
      const r = await runTink(['api', '/api/v1/something', '--token', '-', '-f', 'a=1'], {env: {...env, TINK_API_URL: url}, input: 'tok'})
      assert.equal(r.code, 4, r.stderr)
      assert.match(r.stderr, /HTTP 405.*add -X GET/)
    },
  )
  const doubled = await runTink(['api', '/api/v1/user', '-e', 'demo-1', '--base-url', `${emu.url}/api`], {env})
  assert.notEqual(doubled.code, 0)
  assert.match(doubled.stderr, /The base URL http:\/\/127\.0\.0\.1:\d+\/api ends in \/api: a base URL is the host, without \/api \(e\.g\. --base-url http:\/\/127\.0\.0\.1:\d+\)/)
})

test('api --input: the file is sent byte for byte (binary too); a JSON body is traced redacted with --verbose', async () => {
  const dir = tempDir('tink-api-input-')
  const {writeFileSync} = await import('node:fs')
  const {join} = await import('node:path')
  const binary = Buffer.from(Array.from({length: 512}, (_, i) => (i * 91 + 7) % 256))
  writeFileSync(join(dir, 'blob.bin'), binary)
  writeFileSync(join(dir, 'body.json'), '{"client_secret":"in-file-secret","name":"Zoë"}')
  await withServer(
    (req, res) => res.end('{}'),
    async (url, seen) => {
      const server = {...env, TINK_API_URL: url}
      const bin = await runTink(['api', 'PUT', '/x', '--token', '-', '--input', join(dir, 'blob.bin')], {env: server, input: 'tok'})
      assert.equal(bin.code, 0, bin.stderr)
      assert.ok(seen[0].bytes.equals(binary), 'the bytes of the file')
      const json = await runTink(['api', 'POST', '/y', '--token', '-', '--input', join(dir, 'body.json'), '--verbose'], {env: server, input: 'tok'})
      assert.equal(json.code, 0, json.stderr)
      assert.equal(seen[1].body, '{"client_secret":"in-file-secret","name":"Zoë"}')
      assert.match(json.stderr, /> \{"client_secret":"\*\*\*","name":"Zoë"\}/)
      assert.ok(!json.stderr.includes('in-file-secret'))
    },
  )
})
