// Colour follows the terminal: none into a pipe or file, NO_COLOR honoured, FORCE_COLOR honoured
// (NO_COLOR wins when both are set), colour on a real terminal. Checked on what a user sees: the
// one-line error on stderr (a usage error and a refused login), and machine output never coloured.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {after, before, describe, test} from 'node:test'
import {startEmulator} from 'tink-emulator'
import {BIN, cleanEnv, emulatorEnv, ROOT, runCli} from '../../helpers.js'

const ESC = /\x1b\[/
const RED_ERROR = /\x1b\[31mError:\x1b\[39m/
// cleanEnv sets NO_COLOR=1 for every other test; undefined removes it from the child's env.
const plain = {NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: 'xterm-256color'}

/** tink ARGS with stdout and stderr on a pseudo-terminal (util-linux `script`). */
function onTerminal(args, env) {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ')
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, screen}))
    child.stdin.end()
  })
}

describe('colour of an error message', () => {
  const usage = ['user', 'create', '--market', 'GB'] // no --external-user-id: exit 2, nothing sent

  test('into a pipe: no escape codes at all', async () => {
    const r = await runCli(usage, {env: plain})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^Error: --external-user-id is required/)
    assert.doesNotMatch(r.stderr, ESC)
  })

  test('FORCE_COLOR=1 into a pipe: the "Error:" label is red', async () => {
    const r = await runCli(usage, {env: {...plain, FORCE_COLOR: '1'}})
    assert.equal(r.code, 2)
    assert.match(r.stderr, RED_ERROR)
  })

  test('FORCE_COLOR=0 and NO_COLOR=1 switch it off; NO_COLOR wins over FORCE_COLOR', async () => {
    for (const env of [{FORCE_COLOR: '0'}, {NO_COLOR: '1'}, {NO_COLOR: '1', FORCE_COLOR: '1'}]) {
      const r = await runCli(usage, {env: {...plain, ...env}})
      assert.equal(r.code, 2)
      assert.match(r.stderr, /Error: --external-user-id is required/, JSON.stringify(env))
      assert.doesNotMatch(r.stderr, ESC, JSON.stringify(env))
    }
  })

  test('on a terminal: red; with NO_COLOR on the same terminal: plain', async () => {
    const tty = await onTerminal(usage, plain)
    assert.equal(tty.code, 2)
    assert.match(tty.screen, RED_ERROR)
    const noColor = await onTerminal(usage, {...plain, NO_COLOR: '1'})
    assert.equal(noColor.code, 2)
    assert.match(noColor.screen, /Error: --external-user-id is required/)
    assert.doesNotMatch(noColor.screen, ESC)
  })

  test('a mistyped command follows the same rules', async () => {
    assert.doesNotMatch((await runCli(['tokn', 'get'], {env: plain})).stderr, ESC)
    assert.match((await runCli(['tokn', 'get'], {env: {...plain, FORCE_COLOR: '1'}})).stderr, RED_ERROR)
  })
})

describe('machine output is never coloured', () => {
  let emu
  before(async () => (emu = await startEmulator({})))
  after(async () => emu?.close())

  test('--json and --raw stay plain even with FORCE_COLOR=1; an error with --json is plain JSON', async () => {
    const env = {...plain, FORCE_COLOR: '1', ...emulatorEnv(emu)}
    const json = await runCli(['token', 'get', '--scope', 'user:create', '--json'], {env})
    assert.equal(json.code, 0, json.stderr)
    assert.doesNotMatch(json.stdout, ESC)
    assert.equal(JSON.parse(json.stdout).token_type.toLowerCase(), 'bearer')
    const raw = await runCli(['token', 'get', '--scope', 'user:create', '--raw'], {env})
    assert.match(raw.stdout, /^[^\x1b\s]+\n$/)
    const refused = await runCli(['token', 'get', '--json'], {env: {...env, TINK_CLIENT_SECRET: 'wrong'}})
    assert.equal(refused.code, 3)
    assert.doesNotMatch(refused.stdout, ESC)
    assert.equal(JSON.parse(refused.stdout).error.exitCode, 3)
  })
})
