// Property-based tests (fast-check): random server answers and random errors through the CLI's
// error mapping, and random server answers to whole commands, in process (thousands of cases,
// milliseconds each); then a bounded number of random command lines, unknown commands included,
// through the built CLI as a subprocess. Always: no uncaught exception, an exit code from the
// documented set, one line (or one JSON document).
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, describe, test} from 'node:test'
import fc from 'fast-check'
import {CliError, ExitCode, parseErrorLine, toCliError} from '../../../dist/lib/errors/cli-error.js'
import {parseRetryAfter} from '../../../dist/lib/http/client.js'
import {errorFromResponse} from '../../../dist/lib/tink/errors.js'
import {redactBody} from '../../../dist/lib/secrets/redact.js'
import {ROOT, runCli} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'
import {newClient, serverEnv, TOKEN_PATH, GRANT_PATH} from '../../support/cli.js'
import {startTinkServer} from '../../support/tink-server.js'

// The README's exit-code table is the documented set.
const DOCUMENTED = new Set([...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])))
assert.deepEqual(new Set(Object.values(ExitCode)), DOCUMENTED, 'the exit codes of cli-error.ts are the documented set')
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
const params = (numRuns) => ({numRuns, seed: SEED})
// Each run of these spawns the CLI: shrinking a failure could take minutes, so report it as found.
const subprocessParams = (numRuns) => ({...params(numRuns), endOnFailure: true})
test(`fuzz seed ${SEED} (set FUZZ_SEED to replay)`, () => {})
/** A stack trace in the CLI's output. */
const NO_STACK = /\n\s+at .*:\d+:\d+/

const status = fc.integer({min: 100, max: 599})
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/problem+json', '')
const jsonish = fc.oneof(
  fc.json(),
  fc.record({errorMessage: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), errorCode: fc.oneof(fc.string(), fc.integer())}, {requiredKeys: []}),
  fc.record({error: fc.string(), error_description: fc.string()}, {requiredKeys: []}),
)
const body = fc.oneof(fc.string(), fc.string({unit: 'binary'}), jsonish.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))), fc.constant(''), fc.constant('<html><body><h1>502 Bad Gateway</h1></body></html>'))
const requestId = fc.option(fc.string({minLength: 1, maxLength: 40}), {nil: undefined})

function assertUsable(err) {
  assert.ok(err instanceof CliError)
  assert.ok(DOCUMENTED.has(err.exitCode), `exit ${err.exitCode}`)
  const line = err.oneLine()
  assert.equal(typeof line, 'string')
  assert.ok(!/\n/.test(line), `one line: ${JSON.stringify(line)}`)
  const doc = JSON.parse(JSON.stringify(err.toJSON()))
  assert.equal(doc.error.exitCode, err.exitCode)
  assert.equal(typeof doc.error.code, 'string')
}

describe('in process: error mapping never throws and stays within the contract', () => {
  test('errorFromResponse: any status, content type, body and request id', () => {
    fc.assert(
      fc.property(status, body, contentType, requestId, (s, b, ct, rid) => {
        const err = errorFromResponse('token request', s, b, ct, rid)
        assertUsable(err)
        assert.equal(err.status, s)
        if (s === 401 || s === 403) assert.equal(err.exitCode, 3)
        else if (s === 429 || s >= 500) assert.equal(err.exitCode, 5)
        // A 404 or 409 without Tink's error body is a proxy's or gateway's: it settles nothing.
        else if ((s === 404 || s === 409) && !err.fromTink) assert.equal(err.exitCode, 5)
        else if (s >= 400) assert.equal(err.exitCode, 4)
        // An excerpt, never the whole of a large body.
        assert.ok(err.message.length < 400 + (typeof b === 'string' && /^\s*\{/.test(b) ? b.length : 0))
      }),
      params(3000),
    )
  })

  test('parseRetryAfter: any header value gives undefined or a finite wait >= 0', () => {
    const header = fc.oneof(
      fc.string(),
      fc.nat().map(String),
      fc.double({noNaN: false}).map(String),
      fc.date({noInvalidDate: false}).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toUTCString())),
      fc.constant(undefined),
    )
    fc.assert(
      fc.property(header, fc.integer({min: 0, max: 4_102_444_800_000}), (v, now) => {
        const ms = parseRetryAfter(v, now)
        if (ms !== undefined) assert.ok(Number.isFinite(ms) && ms >= 0, `${v} -> ${ms}`)
      }),
      params(3000),
    )
  })

  test('toCliError: anything thrown (errors, oclif errors, strings, null, objects) becomes a usable CliError', () => {
    const thrown = fc.oneof(
      fc.anything(),
      fc.string().map((m) => new Error(m)),
      fc.record({message: fc.string(), oclif: fc.record({exit: fc.integer({min: -5, max: 300})}), name: fc.constantFrom('Error', 'CLIParseError', 'FailedFlagValidationError'), code: fc.constantFrom(undefined, 'EEXIT')}),
      fc.record({message: fc.anything(), code: fc.anything()}),
    )
    fc.assert(
      fc.property(thrown, (e) => {
        const err = toCliError(e)
        // EEXIT carries the exit code oclif was asked for; every other error maps into the set.
        if (!(e && typeof e === 'object' && e.code === 'EEXIT')) assertUsable(err)
      }),
      params(3000),
    )
  })

  test('parseErrorLine: any oclif message becomes one line; a flag value is never echoed', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), {maxLength: 5}), fc.stringMatching(/^[A-Za-z0-9]{12,30}$/), (lines, secret) => {
        const out = parseErrorLine(lines.join('\n'))
        assert.ok(!/\n/.test(out))
        const flagged = parseErrorLine(`Nonexistent flag: --client-secret=${secret}\nSee more help with --help`)
        assert.ok(!flagged.includes(secret), flagged)
      }),
      params(2000),
    )
  })

  test('redactBody: a secret field never survives, whatever surrounds it', () => {
    const field = fc.constantFrom('client_secret', 'code', 'refresh_token', 'access_token')
    const secret = fc.stringMatching(/^[A-Za-z0-9._~-]{16,40}$/).map((s) => `S3CR3T${s}`)
    const others = fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string(), {maxKeys: 4})
    fc.assert(
      fc.property(field, secret, others, fc.boolean(), (f, s, extra, asJson) => {
        const fields = {...extra, [f]: s}
        const out = asJson ? redactBody(JSON.stringify(fields), 'application/json') : redactBody(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded')
        assert.ok(!out.includes(s), out)
      }),
      params(2000),
    )
  })
})

describe('subprocess: the built CLI with random input', () => {
  let srv
  before(async () => (srv = await startTinkServer()))
  after(() => srv.close())

  test('random command lines: exit code in the set, no stack trace, --json keeps stdout to one document', async () => {
    const word = fc.oneof(fc.string({maxLength: 12}), fc.constantFrom('-', '--', '=', ' ', 'GB', 'en_US', 'accounts:read', 'http://x', 'u1'))
    const flag = fc.constantFrom(
      '--scope', '--code', '--refresh-token', '--market', '--locale', '--retention-class', '--region', '--base-url', '--timeout', '--retries',
      '--user-id', '--external-user-id', '--id-hint', '--flow', '--profile', '--raw', '--no-cache', '--yes', '--json', '--verbose', '--file', '--format',
      '--concurrency', '--rate', '--client-secret-stdin', '--allow-insecure-http', '--exchange', '-x', '--nope',
    )
    const command = fc.constantFrom(['token', 'get'], ['grant', 'create'], ['grant', 'delegate'], ['user', 'create'], ['user', 'delete'], ['profile', 'show'], ['profile', 'use'], ['token', 'clear'], ['tokn'], [])
    const argv = fc.tuple(command, fc.array(fc.oneof(flag, word), {maxLength: 6})).map(([c, rest]) => [...c, ...rest].filter((a) => a !== '--help' && a !== '-h'))
    await fc.assert(
      fc.asyncProperty(argv, fc.string({maxLength: 20}), async (args, input) => {
        srv.reset()
        newClient()
        srv.script(TOKEN_PATH, {json: {access_token: 'fuzz', expires_in: 1800}})
        const r = await runCli(args, {env: serverEnv(srv, {TINK_API_URL: srv.url}), input, timeoutMs: 20_000})
        assert.ok(DOCUMENTED.has(r.code), `tink ${JSON.stringify(args)} exited ${r.code}: ${r.stderr}`)
        assert.doesNotMatch(r.stderr, NO_STACK, `tink ${JSON.stringify(args)}`)
        if (r.code === 1) assert.fail(`unexpected error (exit 1) for tink ${JSON.stringify(args)}: ${r.stderr}`)
        if (args.includes('--json') && r.stdout.trim() && !args.includes('--file')) JSON.parse(r.stdout)
      }),
      subprocessParams(25),
    )
  })
})

describe('in process: random server answers', () => {
  let srv
  before(async () => (srv = await startTinkServer()))
  after(() => srv.close())

  test('random server answers to token get and grant create: exit code in the set, one JSON document, no stack trace', async () => {
    const answer = fc.record({
      status: fc.oneof(fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504), fc.integer({min: 200, max: 599})),
      type: contentType,
      body: fc.oneof(body, fc.record({access_token: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), expires_in: fc.oneof(fc.integer(), fc.string(), fc.double())}, {requiredKeys: []}).map((v) => JSON.stringify(v))),
      retryAfter: fc.option(fc.oneof(fc.nat({max: 5}).map(String), fc.string({maxLength: 10})), {nil: undefined}),
      rid: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,30}$/), {nil: undefined}),
    })
    await fc.assert(
      fc.asyncProperty(answer, fc.boolean(), async (a, grant) => {
        srv.reset()
        newClient()
        const spec = {status: a.status, body: a.body, headers: {'content-type': a.type || null, 'retry-after': a.retryAfter ?? null, 'x-request-id': a.rid ?? null}}
        if (a.status === 204 || a.status === 304) delete spec.body
        if (grant) {
          srv.script(TOKEN_PATH, {json: {access_token: 'fuzz', expires_in: 1800}})
          srv.script(GRANT_PATH, spec)
        } else srv.script(TOKEN_PATH, spec)
        const args = grant ? ['grant', 'create', '--external-user-id', 'u1', '--scope', 'accounts:read'] : ['token', 'get', '--no-cache']
        const r = await runTink([...args, '--json', '--retries', '0'], {env: serverEnv(srv)})
        assert.ok(DOCUMENTED.has(r.code) && r.code !== 1, `exit ${r.code} for ${JSON.stringify(a)}: ${r.stdout}${r.stderr}`)
        const doc = JSON.parse(r.stdout)
        if (r.code === 0) assert.ok(a.status >= 200 && a.status < 300)
        else {
          assert.equal(doc.error.exitCode, r.code)
          if (a.rid && srv.requests.length > 0 && doc.error.status === a.status) assert.equal(doc.error.requestId, a.rid)
        }
        assert.doesNotMatch(r.stderr, NO_STACK)
      }),
      params(200),
    )
  })
})
