// The fast path (src/lib/fast.ts) runs the hot commands without loading oclif. What a user
// notices must not change: these tests check that its parser accepts exactly what oclif would
// parse the same way (and nothing oclif would reject), that the commands really skip oclif, and
// that output and exit codes are the same with the fast path on and off (TINK_NO_FAST_PATH=1).
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {after, before, describe, test} from 'node:test'
import {Flags, Parser} from '@oclif/core'
import fc from 'fast-check'
import {ALL_SCOPES, startEmulator} from '../dist/emulator/index.js'
import {HOT_COMMANDS, INTEGER_FLAGS, parsePlain, planFast} from '../dist/lib/fast-plan.cjs'
import {ACTIONS} from '../dist/lib/fast.js'
import {BIN, cleanEnv, ROOT, runCli, runProcess, tempDir} from './helpers.js'

const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
const HOT = ['token:get', 'token:clear', 'grant:create', 'grant:delegate', 'user:create', 'user:delete']
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)

async function commandClass(id) {
  const [topic, verb] = id.split(':')
  return (await import(pathToFileURL(join(ROOT, 'dist', 'commands', topic, `${verb}.js`)).href)).default
}

/** What TinkCommand.parse hands oclif: the command's flags, the global ones, --json; no arguments. */
async function oclifParse(cls, tokens) {
  const flags = {...cls.baseFlags, ...cls.flags, json: Flags.boolean({description: 'Format output as json.', helpGroup: 'GLOBAL'})}
  try {
    const r = await Parser.parse([...tokens], {flags, args: {}, strict: true})
    return {flags: Object.fromEntries(Object.entries(r.flags).filter(([, v]) => v !== undefined))}
  } catch (error) {
    return {error}
  }
}

describe('fast path: the parser agrees with oclif', () => {
  const classes = {}
  before(async () => {
    for (const id of HOT) classes[id] = await commandClass(id)
  })

  test('the plan and the run know the same hot commands (a planned command without an action would crash)', () => {
    assert.deepEqual(Object.keys(HOT_COMMANDS).sort(), [...HOT].sort())
    assert.deepEqual(Object.keys(ACTIONS).sort(), [...HOT].sort())
  })

  test('every hot command is in the manifest with the shape the fast path handles', () => {
    for (const id of HOT) {
      const cmd = MANIFEST.commands[id]
      assert.ok(cmd, id)
      assert.equal(cmd.strict, true, id)
      assert.equal(cmd.enableJsonFlag, true, id)
      assert.deepEqual(Object.keys(cmd.args), [], id)
    }
  })

  test('integer flags: the bounds the fast path enforces are the command classes\' own, and no other flag converts its value', async () => {
    for (const id of HOT) {
      const cls = classes[id]
      const all = {...cls.baseFlags, ...cls.flags}
      for (const [name, flag] of Object.entries(all)) {
        if (flag.type !== 'option') continue
        const bounds = INTEGER_FLAGS[name]
        if (bounds) {
          assert.deepEqual({min: flag.min, max: flag.max}, bounds, `${id} --${name}`)
          assert.equal(await flag.parse('7', {}, flag), 7, `${id} --${name} is an integer flag`)
        } else {
          assert.equal(await flag.parse('17', {}, flag), '17', `${id} --${name} takes its value as typed`)
        }
      }
    }
  })

  // Written the ways people and scripts write them: each must take the fast path and parse as oclif does.
  const plain = {
    'token:get': [['--raw'], ['--scope', 'user:create', '--raw'], ['-s', 'a', '-s', 'b', '--json'], ['--scope=user:create,user:delete', '-p', 'prod'], ['--code', '-', '--json'], ['--no-cache', '--retries', '0', '--timeout', '5'], ['--region', 'us', '-v']],
    'token:clear': [[], ['-p', 'x'], ['--json']],
    'grant:create': [['-e', 'u1', '--scope', 'accounts:read'], ['--user-id', 'abc', '-s', 'a', '--exchange', '--json', '--id-hint', 'Jane']],
    'grant:delegate': [['-e', 'u1', '--id-hint', 'Jane Doe', '--redirect-uri', 'https://example.com/cb'], ['-u', 'x', '--id-hint=j@example.com', '--flow', 'account-check/connect', '--market', 'SE', '--test']],
    'user:create': [['-e', 'u1', '--market', 'GB'], ['--external-user-id=u2', '-m', 'SE', '-l', 'sv_SE', '--retention-class', 'TEMPORARY', '--json'], ['--file', 'users.csv', '--concurrency', '16', '--journal', 'j', '--if-exists', 'fail', '--rate', '50'], ['-f', '-', '--format', 'ndjson']],
    'user:delete': [['-e', 'u1', '--yes'], ['--user-id', 'x', '-y', '--json'], ['--file', 'users.csv', '--yes', '--concurrency', '256']],
  }
  for (const [id, cases] of Object.entries(plain)) {
    test(`${id.replace(':', ' ')}: plain command lines take the fast path and parse exactly as oclif parses them`, async () => {
      for (const tokens of cases) {
        const fast = parsePlain(tokens, MANIFEST.commands[id].flags)
        assert.ok(fast, `fast path declined ${tokens.join(' ')}`)
        const oclif = await oclifParse(classes[id], tokens)
        assert.ifError(oclif.error)
        assert.deepEqual(fast, oclif.flags, tokens.join(' '))
      }
    })
  }

  test('command lines oclif rejects or reads another way go to oclif', () => {
    const declined = {
      'token:get': [['--raw', '--json'], ['--code', 'c', '--scope', 'x'], ['--retries', '11'], ['--retries', 'two'], ['--help'], ['-h'], ['--raw', '--raw'], ['--scope'], ['--scope', '--raw'], ['--code='], ['--', '--raw'], ['extra'], ['--nope'], ['-sx'], ['--raw=true']],
      'grant:create': [['-e', 'u1'], ['-e', 'u1', '-u', 'x', '-s', 'a']],
      'user:create': [['--if-exists', 'maybe'], ['--concurrency', '0'], ['--concurrency', '257'], ['--format', 'xml']],
    }
    for (const [id, cases] of Object.entries(declined)) {
      for (const tokens of cases) assert.equal(parsePlain(tokens, MANIFEST.commands[id].flags), undefined, `${id} ${tokens.join(' ')}`)
    }
  })

  test(`random command lines: whatever the fast path accepts, oclif parses identically (seed ${SEED})`, async () => {
    for (const id of HOT) {
      const defs = MANIFEST.commands[id].flags
      const names = Object.values(defs).flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])])
      const values = ['x', 'GB', '-', '', '0', '5', '11', '256', '-1', 'ok', 'fail', 'csv', 'a,b', 'off']
      const token = fc.oneof(
        {weight: 5, arbitrary: fc.constantFrom(...names)},
        {weight: 4, arbitrary: fc.constantFrom(...values)},
        {weight: 2, arbitrary: fc.tuple(fc.constantFrom(...names.filter((n) => n.startsWith('--'))), fc.constantFrom(...values)).map(([n, v]) => `${n}=${v}`)},
        {weight: 1, arbitrary: fc.constantFrom('--', '--help', '-h', '--nope', '-Z', 'pos', '--json', '-vx')},
      )
      await fc.assert(
        fc.asyncProperty(fc.array(token, {maxLength: 7}), async (tokens) => {
          const fast = parsePlain(tokens, defs)
          if (fast === undefined) return
          const oclif = await oclifParse(classes[id], tokens)
          assert.ifError(oclif.error)
          assert.deepEqual(fast, oclif.flags)
        }),
        {numRuns: 400, seed: SEED},
      )
    }
  })

  test('env that changes what oclif does sends every command to oclif', () => {
    const argv = ['token', 'get', '--raw']
    assert.ok(planFast(argv, {}))
    for (const env of [{TINK_NO_FAST_PATH: '1'}, {DEBUG: '*'}, {TINK_DEBUG: '1'}, {TINK_CONTENT_TYPE: 'json'}, {OCLIF_COLUMNS: '80'}]) {
      assert.equal(planFast(argv, env), undefined, JSON.stringify(env))
    }
    const data = tempDir('tink-plugins-')
    writeFileSync(join(data, 'package.json'), '{"oclif":{"plugins":["some-plugin"]}}')
    assert.equal(planFast(argv, {TINK_DATA_DIR: data}), undefined, 'user plugins installed')
    assert.equal(planFast(['profile', 'list'], {}), undefined, 'not a hot command')
  })
})

describe('fast path: the built CLI', () => {
  let emu
  const APP = {id: `fast-app-${process.pid}`, secret: 'fast-secret', scopes: [...ALL_SCOPES]}
  before(async () => (emu = await startEmulator({clients: [APP]})))
  after(() => emu?.close())
  const env = () => ({TINK_API_URL: emu.url, TINK_CLIENT_ID: APP.id, TINK_CLIENT_SECRET: APP.secret})

  /** Runs the CLI and reports whether oclif was loaded (a spy lists the CommonJS modules at exit). */
  async function tracked(args, extraEnv = {}) {
    const log = join(tempDir('tink-load-'), 'modules.json')
    const spy = pathToFileURL(join(ROOT, 'test', 'support', 'load-spy.mjs')).href
    const r = await runProcess(process.execPath, [`--import=${spy}`, BIN, ...args], {env: cleanEnv({...env(), ...extraEnv, TINK_TEST_LOAD_LOG: log})})
    const modules = JSON.parse(readFileSync(log, 'utf8'))
    return {...r, oclif: modules.some((m) => m.includes(`${join('@oclif', 'core')}`))}
  }

  test('token get, user create, grant create and user delete run without loading oclif; with TINK_NO_FAST_PATH=1 oclif runs them', async () => {
    const runs = [
      ['token', 'get', '--scope', 'user:create', '--raw'],
      ['user', 'create', '-e', `fast-${process.pid}`, '--market', 'GB', '--json'],
      ['grant', 'create', '-e', `fast-${process.pid}`, '--scope', 'accounts:read'],
      ['user', 'delete', '-e', `fast-${process.pid}`, '--yes'],
    ]
    for (const args of runs) {
      const r = await tracked(args)
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      assert.equal(r.oclif, false, `${args.join(' ')} loaded oclif`)
    }
    const r = await tracked(['token', 'get', '--raw'], {TINK_NO_FAST_PATH: '1'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.oclif, true)
    const help = await tracked(['token', 'get', '--help'])
    assert.equal(help.oclif, true, 'help is oclif\'s')
  })

  test('the same output and exit code with the fast path on and off', async () => {
    const ext = `same-${process.pid}`
    // Deterministic cases: usage errors from the command bodies, refusals, server errors, successes without random ids.
    const cases = [
      ['user', 'create', '-e', ext],
      ['user', 'create', '-e', ext, '--market', 'XX'],
      ['user', 'create', '-e', ext, '--market', 'GB', '--locale', 'english'],
      ['user', 'create', '--concurrency', '4'],
      ['user', 'create', '-e', 'x', '--file', 'users.csv'],
      ['user', 'create', '--file', join(ROOT, 'no-such-file.csv'), '--market', 'GB'],
      ['user', 'delete', '-e', ext],
      ['user', 'delete', '-e', ext, '--json'],
      ['user', 'delete', '-e', 'nobody-here', '--yes'],
      ['user', 'delete', '-e', 'nobody-here', '--yes', '--json'],
      ['grant', 'create', '-e', 'nobody-here', '--scope', 'accounts:read', '--json'],
      ['grant', 'delegate', '-e', ext],
      ['grant', 'delegate', '-e', ext, '--id-hint', 'J', '--redirect-uri', 'not a url'],
      ['token', 'get', '--code', ' '],
      ['token', 'get', '--scope', 'no:such-scope', '--json'],
      ['token', 'get', '--base-url', 'http://127.0.0.1:9', '--retries', '0'],
      ['token', 'get', '--base-url', 'http://example.com', '--raw'],
      ['token', 'get', '--timeout', 'soon', '--raw'],
      ['token', 'clear', '-p', 'no-such-profile', '--json'],
    ]
    for (const args of cases) {
      const fast = await runCli(args, {env: env()})
      const slow = await runCli(args, {env: {...env(), TINK_NO_FAST_PATH: '1'}})
      const label = args.join(' ')
      // Request ids are the emulator's, new for every request.
      const same = (s) => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<request id>')
      assert.equal(fast.code, slow.code, `${label}: exit code`)
      assert.equal(same(fast.stderr), same(slow.stderr), `${label}: stderr`)
      assert.equal(same(fast.stdout), same(slow.stdout), `${label}: stdout`)
    }
  })

  test('a created user comes back as the same JSON document either way', async () => {
    const docs = []
    for (const extra of [{}, {TINK_NO_FAST_PATH: '1'}]) {
      const ext = `doc-${process.pid}-${docs.length}`
      const r = await runCli(['user', 'create', '-e', ext, '--market', 'GB', '--json'], {env: {...env(), ...extra}})
      assert.equal(r.code, 0, r.stderr)
      const doc = JSON.parse(r.stdout)
      assert.equal(doc.external_user_id, ext)
      assert.match(doc.user_id, /^[0-9a-f]{32}$/)
      docs.push(Object.keys(doc))
    }
    assert.deepEqual(docs[0], docs[1])
  })
})
