// Bad input, as a table: every case runs the built CLI as a subprocess against its own scripted
// loopback server and checks what a user meets: the documented exit code, one line on stderr
// naming the problem and the fix, no stack trace, nothing on stdout, and (on the server) no
// request sent.
import assert from 'node:assert/strict'
import {mkdirSync} from 'node:fs'
import {join} from 'node:path'
import { describe, test} from 'node:test'
import {runCli, tempDir} from '../helpers.js'
import {runTink} from '../support/in-process.js'
import {assertOneLineError, oneJson, serverEnv} from '../support/cli.js'
import {fileWriter} from '../support/bulk.js'
import {server} from '../support/scripted-server.js'

const dir = tempDir('tink-input-')
const file = fileWriter(dir)

const CONFIG = join(dir, 'config')
const USERS_CSV = file('users.csv', 'external_user_id,market\nu1,GB\n')
const FOLDER = join(dir, 'a-folder.csv')
mkdirSync(FOLDER)
// A PNG header: NUL bytes and invalid UTF-8, what `--file` gets when someone picks the wrong file.
const BINARY = file('photo.csv', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), Buffer.from('IHDR'), Buffer.alloc(64, 0xff)]))

// [name, args, {env, input, exit (default 2), pattern}]. Patterns name the problem and the fix.
const U = ['--external-user-id', 'u1']
const CASES = [
  // Missing required flags
  ['grant create without --scope', ['grant', 'create', ...U], {pattern: /Missing required flag --scope/}],
  ['user create without --external-user-id', ['user', 'create', '--market', 'GB'], {pattern: /--external-user-id is required.*e\.g\. --external-user-id/}],
  ['user create without --market', ['user', 'create', ...U], {pattern: /--market is required.*--market GB/}],
  ['grant create without a user', ['grant', 'create', '--scope', 'accounts:read'], {pattern: /Neither --user-id nor --external-user-id.*Add --external-user-id/}],
  ['user delete without a user', ['user', 'delete', '--yes'], {pattern: /Neither --user-id nor --external-user-id/}],
  ['grant delegate without --id-hint (no terminal)', ['grant', 'delegate', ...U], {pattern: /--id-hint is required.*Add --id-hint/}],
  // Both ids
  ['grant create with both ids', ['grant', 'create', '--scope', 'a:b', '--user-id', 'x', ...U], {pattern: /--external-user-id and --user-id cannot be used together/}],
  ['user delete with both ids', ['user', 'delete', '--yes', '--user-id', 'x', ...U], {pattern: /--external-user-id and --user-id cannot be used together/}],
  ['grant delegate with both ids', ['grant', 'delegate', '--id-hint', 'Jane', '--user-id', 'x', ...U], {pattern: /cannot be used together/}],
  // Empty or whitespace ids
  ['empty --external-user-id', ['grant', 'create', '--scope', 'a:b', '--external-user-id', ''], {pattern: /--external-user-id is empty.*Give a value for --external-user-id, or leave the flag out/}],
  ['whitespace --user-id', ['grant', 'create', '--scope', 'a:b', '--user-id', '   '], {pattern: /--user-id is empty/}],
  ['padded --external-user-id', ['user', 'create', '--market', 'GB', '--external-user-id', ' u1 '], {pattern: /leading or trailing spaces.*Remove the spaces/}],
  ['control character in an id', ['user', 'delete', '--yes', '--external-user-id', 'u\u00011'], {pattern: /control characters.*printable/}],
  ['whitespace --actor-client-id', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--actor-client-id', ' '], {pattern: /--actor-client-id is empty/}],
  // Invalid market, locale, retention class
  ['unknown market', ['user', 'create', ...U, '--market', 'XX'], {pattern: /Invalid market "XX".*ISO 3166-1 alpha-2/}],
  ['lower-case market', ['user', 'create', ...U, '--market', 'gb'], {pattern: /Invalid market "gb".*Did you mean GB\?/}],
  ['market from TINK_MARKET', ['grant', 'delegate', ...U, '--id-hint', 'Jane'], {env: {TINK_MARKET: 'ZZ'}, pattern: /Invalid market "ZZ" \(from env TINK_MARKET\)/}],
  ['locale with a dash', ['user', 'create', ...U, '--market', 'GB', '--locale', 'en-US'], {pattern: /Invalid locale "en-US".*en_US/}],
  ['locale a word', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--locale', 'english'], {pattern: /Invalid locale "english"/}],
  ['retention class', ['user', 'create', ...U, '--market', 'GB', '--retention-class', 'forever'], {pattern: /Invalid retention class "forever".*PERMANENT or TEMPORARY/}],
  // Region, URL, timeout, retries
  ['unknown --region', ['token', 'get', '--region', 'mars'], {pattern: /Unknown region "mars".*eu or us/}],
  ['unknown TINK_REGION', ['token', 'get'], {env: {TINK_REGION: 'asia'}, pattern: /Unknown region "asia" \(from env TINK_REGION\)/}],
  ['--base-url not a URL', ['token', 'get', '--base-url', 'not a url'], {pattern: /Invalid URL "not a url".*https:\/\/api\.tink\.com/}],
  ['--base-url ftp://', ['token', 'get', '--base-url', 'ftp://files.example.com'], {pattern: /Unsupported URL scheme "ftp:".*https:\/\//}],
  ['--base-url with a query', ['token', 'get', '--base-url', 'https://api.tink.com/?debug=1'], {pattern: /must not have a query or fragment/}],
  ['--link-base-url not a URL', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--link-base-url', 'link'], {pattern: /Invalid URL "link"/}],
  ['--redirect-uri not a URL', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--redirect-uri', 'callback'], {pattern: /Invalid --redirect-uri "callback".*absolute URL/}],
  ['--timeout 0', ['token', 'get', '--timeout', '0'], {pattern: /Invalid --timeout "0".*greater than 0/}],
  ['--timeout not a number', ['token', 'get', '--timeout', 'soon'], {pattern: /Invalid --timeout "soon"/}],
  ['--timeout too large', ['token', 'get', '--timeout', '86400'], {pattern: /Invalid --timeout "86400".*at most 3600/}],
  ['--retries too many', ['token', 'get', '--retries', '11'], {pattern: /Parsing --retries: .*less than or equal to 10/}],
  ['--retries negative', ['token', 'get', '--retries=-1'], {pattern: /Parsing --retries: .*greater than or equal to 0/}],
  // Scope syntax
  ['empty scope between commas', ['token', 'get', '--scope', 'accounts:read,,user:create'], {pattern: /Empty scope.*single commas/}],
  ['scope without an action', ['token', 'get', '--scope', 'accounts'], {pattern: /Invalid scope "accounts".*resource:action/}],
  ['scope with a space', ['grant', 'create', ...U, '--scope', 'accounts read'], {pattern: /Invalid scope "accounts read"/}],
  // Profiles and commands
  ['unknown --profile', ['token', 'get', '--profile', 'nope'], {pattern: /No profile "nope" \(from --profile\).*tink login/}],
  ['unknown TINK_PROFILE', ['token', 'get'], {env: {TINK_PROFILE: 'ghost'}, pattern: /No profile "ghost" \(from env TINK_PROFILE\)/}],
  ['invalid profile name', ['profile', 'add', 'eu prod', '--client-id', 'id', '--client-secret-stdin'], {input: 's', pattern: /Invalid profile name "eu prod".*letters, digits/}],
  // Command lookup is oclif's (its command_not_found hook): these run as a user runs them.
  ['unknown command', ['tokn', 'get'], {process: true, pattern: /"tokn get" is not a tink command.*Did you mean "tink token get"\?/}],
  // A secret pasted as an argument must not be echoed back into the terminal or CI logs.
  ['stray argument (a pasted secret) is named, not echoed', ['token', 'get', 'PASTED-SECRET-0451'], {process: true, pattern: /^(?!.*PASTED-SECRET).*"tink token get" takes no arguments.*--help/}],
  ['unknown subcommand', ['user', 'creat'], {process: true, pattern: /Did you mean "tink user create"\?/}],
  ['unknown flag', ['token', 'get', '--no-such-flag'], {pattern: /Nonexistent flag: --no-such-flag.*--help/}],
  // Standard input
  ['--code - with empty stdin', ['token', 'get', '--code', '-'], {input: '', pattern: /Nothing on standard input for the authorization code.*Pipe/}],
  ['--refresh-token - with blank stdin', ['token', 'get', '--refresh-token', '-'], {input: '  \n', pattern: /Nothing on standard input for the refresh token/}],
  ['--client-secret-stdin with empty stdin', ['token', 'get', '--client-secret-stdin'], {input: '', pattern: /Nothing on standard input for the client secret/}],
  ['--code - with two lines', ['token', 'get', '--code', '-'], {input: 'a\nb\n', pattern: /more than one line.*exactly one value/}],
  ['stdin wanted twice', ['token', 'get', '--client-secret-stdin', '--code', '-'], {input: 'x', pattern: /already used for the client secret.*another way/}],
  ['empty --code', ['token', 'get', '--code', ''], {pattern: /--code is empty.*Give a value for --code, or leave the flag out/}],
  ['--code with --refresh-token', ['token', 'get', '--code', 'c', '--refresh-token', 'r'], {pattern: /--code and --refresh-token cannot be used together/}],
  // Confirmation and plain HTTP
  ['user delete without --yes, no terminal', ['user', 'delete', ...U], {pattern: /Refusing to delete the user with external id u1 without confirmation.*Add --yes/}],
  ['bulk delete without --yes, no terminal', ['user', 'delete', '--file', USERS_CSV], {pattern: /Refusing to delete the users in .*users\.csv without confirmation.*--yes/}],
  ['http:// to a non-loopback host', ['token', 'get', '--base-url', 'http://api.example.com'], {pattern: /Refusing plain http:\/\/ to api\.example\.com.*--allow-insecure-http/}],
  ['http:// from TINK_API_URL', ['user', 'create', ...U, '--market', 'GB'], {env: {TINK_API_URL: 'http://10.1.2.3:8080'}, pattern: /Refusing plain http:\/\/ to 10\.1\.2\.3 \(from env TINK_API_URL\)/}],
  ['http:// Tink Link URL', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--link-base-url', 'http://link.example.com'], {pattern: /Refusing plain http:\/\/ to link\.example\.com/}],
  // Tink Link flows
  ['unknown --flow', ['grant', 'delegate', ...U, '--id-hint', 'Jane', '--flow', 'nope'], {pattern: /Unknown Tink Link flow "nope".*Use one of/}],
  ['--id-hint outside Latin-1', ['grant', 'delegate', ...U, '--id-hint', 'Zoë 名前'], {pattern: /outside ISO-8859-1/}],
  // Bulk files that cannot be used at all: exit 2 before anything is sent
  ['--file missing', ['user', 'create', '--file', join(dir, 'nope.csv'), '--market', 'GB'], {pattern: /Cannot read --file .*nope\.csv: no such file.*CSV or NDJSON/}],
  ['--file is a folder', ['user', 'create', '--file', FOLDER, '--market', 'GB'], {pattern: /Cannot read --file .*a-folder\.csv: it is a folder\..*Give the path of a CSV or NDJSON file/}],
  ['--file empty', ['user', 'create', '--file', file('empty.csv', ''), '--market', 'GB'], {pattern: /--file .*empty\.csv is empty.*header row/}],
  ['--file blank lines only', ['user', 'delete', '--yes', '--file', file('blank.ndjson', '\n  \n\n')], {pattern: /is empty/}],
  ['--file binary', ['user', 'create', '--file', BINARY, '--market', 'GB'], {pattern: /--file .*photo\.csv is not a text file.*Give a CSV or NDJSON file/}],
  ['CSV without the market column', ['user', 'create', '--file', file('nomarket.csv', 'external_user_id,locale\nu1,en_US\n')], {pattern: /no market column and no --market.*--market GB/}],
  ['CSV without an id column (delete)', ['user', 'delete', '--yes', '--file', file('noid.csv', 'market\nGB\n')], {pattern: /neither a user_id nor an external_user_id column/}],
  ['CSV header with broken quoting', ['user', 'create', '--market', 'GB', '--file', file('badheader.csv', '"external_user_id,market\nu1,GB\n')], {pattern: /CSV header on line 1 is broken: a quoted field is never closed/}],
  ['--format not csv or ndjson', ['user', 'create', '--file', USERS_CSV, '--format', 'xlsx'], {pattern: /--format/}],
  ['--concurrency 0', ['user', 'create', '--file', USERS_CSV, '--concurrency', '0'], {pattern: /Parsing --concurrency/}],
  ['--rate not a number', ['user', 'create', '--file', USERS_CSV, '--rate', 'fast'], {pattern: /Invalid --rate "fast".*--rate 50/}],
  ['--journal without --file', ['user', 'create', ...U, '--market', 'GB', '--journal', join(dir, 'j')], {pattern: /--journal needs --file/}],
  ['--file with --external-user-id', ['user', 'create', '--file', USERS_CSV, ...U], {pattern: /--external-user-id cannot be combined with --file/}],
]


describe(`bad input: ${CASES.length} cases, each exit 2 with one line and no request`, {concurrency: 2}, () => {
  for (const [name, args, {env = {}, input, exit = 2, pattern, process: asProcess}] of CASES) {
    test(`${name}: tink ${args.join(' ')}`, async () => {
      const srv = await server()
      const r = await (asProcess ? runCli : runTink)(args, {env: serverEnv(srv, {TINK_CONFIG_DIR: CONFIG, ...env}), input})
      assertOneLineError(r, exit, pattern)
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack frames')
      assert.equal(srv.requests.length, 0, 'no request sent')
    })
  }

  test('--file unreadable (mode 000)', async (t) => {
    if (process.getuid?.() === 0) return t.skip('root reads any file; "a folder" above covers an unreadable --file')
    const srv = await server()
    const path = file('locked.csv', 'external_user_id,market\nu1,GB\n')
    const {chmodSync} = await import('node:fs')
    chmodSync(path, 0)
    const r = await runTink(['user', 'create', '--file', path], {env: serverEnv(srv)})
    assertOneLineError(r, 2, /Cannot read --file .*locked\.csv: permission denied/)
    assert.equal(srv.requests.length, 0)
  })

  test('--json with --raw: the usage error is the one JSON document on stdout, exit 2', async () => {
    const srv = await server()
    const r = await runTink(['token', 'get', '--json', '--raw'], {env: serverEnv(srv)})
    assert.equal(r.code, 2)
    const doc = oneJson(r.stdout)
    assert.equal(doc.error.code, 'invalid_usage')
    assert.match(doc.error.message, /--json and --raw cannot be used together/)
    assert.equal(r.stderr, '')
    assert.equal(srv.requests.length, 0)
  })

  test('every case of the table is a distinct command line', () => {
    assert.ok(CASES.length >= 40, `${CASES.length} cases`)
    const lines = CASES.map(([, args, o]) => JSON.stringify([args, o.env ?? {}, o.input ?? null]))
    assert.equal(new Set(lines).size, lines.length)
  })
})
