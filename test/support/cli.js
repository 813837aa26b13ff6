// Helpers shared by the command tests (test/commands/, test/lib/, test/e2e/; on top of test/helpers.js).
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {after, before, beforeEach} from 'node:test'
import {BIN, cleanEnv, ROOT} from '../helpers.js'
import {startTinkServer} from './tink-server.js'

export const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
export const USER_AGENT = `tink-auth-cli/${VERSION} node/${process.version}`

export const CLIENT = {id: 'test-client-id', secret: 'test-client-secret'}
let clientSeq = 0
/**
 * Gives CLIENT a new id. The CLI caches client tokens per (client id, base URL, scopes) in the
 * keychain, so each test acts as its own app: it never gets a token an earlier test fetched,
 * and the requests it sees are all its own.
 */
export function newClient() {
  CLIENT.id = `test-client-${process.pid}-${++clientSeq}`
  return CLIENT
}
export const TOKEN_PATH = '/api/v1/oauth/token'
export const GRANT_PATH = '/api/v1/oauth/authorization-grant'
export const DELEGATE_PATH = '/api/v1/oauth/authorization-grant/delegate'
export const CREATE_PATH = '/api/v1/user/create'
export const DELETE_PATH = '/api/v1/user/delete'
export const TINK_LINK_SCOPES = 'authorization:read,authorization:grant,credentials:refresh,credentials:read,credentials:write,providers:read,user:read'
export const TINK_LINK_ACTOR = 'df05e4b379934cd09963197cc855bfe9'

/** Env pointing the CLI at a tink-server with test credentials. */
export function serverEnv(srv, extra = {}) {
  return {TINK_API_URL: srv.url, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, ...extra}
}

/** A failure as a user sees it: one line on stderr, no stack trace, nothing on stdout. */
export function assertOneLineError(r, exitCode, pattern) {
  assert.equal(r.code, exitCode, `exit code; stderr: ${r.stderr}`)
  assert.equal(r.stdout, '', 'nothing on stdout')
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`)
  assert.match(lines[0], /^Error: /)
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  if (pattern) assert.match(lines[0], pattern)
}

/** stdout is exactly one JSON document (and nothing else); returns it. */
export function oneJson(stdout) {
  const text = stdout.trim()
  assert.ok(text.startsWith('{') && text.endsWith('}'), `one JSON object on stdout, got: ${stdout}`)
  return JSON.parse(text)
}

export function assertIsoDate(value, expectedMs, toleranceMs = 15_000) {
  assert.equal(typeof value, 'string')
  assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/)
  assert.ok(Math.abs(Date.parse(value) - expectedMs) < toleranceMs, `${value} is about ${new Date(expectedMs).toISOString()}`)
}

/** Starts the CLI and hands back the child, for tests that signal it mid-flight. */
export function spawnCli(args, {env = {}, input} = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.stdin.end(input)
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({code, signal, stdout, stderr})))
  return {child, done}
}

/**
 * Runs the CLI in a pseudo-terminal (util-linux `script`), as a person at a terminal would, and
 * types `answer` (then Enter) once `prompt` shows. Resolves {code, output} (stdout and stderr
 * together, ANSI included).
 */
export function inTerminal(args, {prompt, answer, env = {}}) {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe']})
    let output = ''
    let answered = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`no exit; output: ${output}`))
    }, 20_000)
    child.stdout.setEncoding('utf8').on('data', (d) => {
      output += d
      if (!answered && prompt.test(output)) {
        answered = true
        child.stdin.write(answer + '\r')
      }
    })
    child.stderr.on('data', (d) => (output += d))
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, output})
    })
  })
}

/** Terminal control sequences removed: what a person would read on the screen. */
export const stripAnsi = (s) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')

/**
 * Runs a shell command line on a pseudo-terminal (util-linux `script`). Each step waits until
 * the screen shows `expect`, then types `keys`. Resolves with the exit code, everything the
 * terminal showed (control sequences removed) and how many steps were reached.
 */
export function driveTerminal(line, steps, {cwd = ROOT, env, label = line} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', line, '/dev/null'], {cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    let screen = ''
    let step = 0
    let seenUpTo = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${label}: stuck at step ${step} (${steps[step]?.expect}); screen:\n${stripAnsi(screen)}`))
    }, 30_000)
    const advance = () => {
      while (step < steps.length) {
        const {expect, keys} = steps[step]
        const at = stripAnsi(screen).indexOf(expect, seenUpTo)
        if (at < 0) return
        seenUpTo = at + expect.length
        step++
        setTimeout(() => child.stdin.write(keys), 150)
      }
    }
    child.stdout.setEncoding('utf8').on('data', (d) => {
      screen += d
      advance()
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (screen += d))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, screen: stripAnsi(screen), steps: step})
    })
  })
}

/**
 * One scriptable Tink server for the enclosing suite (or file): started before, closed after,
 * emptied and given a fresh client id before each test (the token cache never spans tests).
 * Returns a stand-in that forwards to the running server, so tests write `srv.script(...)`.
 */
export function useTinkServer() {
  let server
  before(async () => (server = await startTinkServer()))
  after(() => server.close())
  beforeEach(() => {
    server.reset()
    newClient()
  })
  return new Proxy({}, {
    get(_, key) {
      const value = server[key]
      return typeof value === 'function' ? value.bind(server) : value
    },
  })
}
