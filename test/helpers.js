// Shared test helpers: run the built CLI as a subprocess, the way a user does, with a clean
// environment (no TINK_* from the developer's shell, a private config folder).
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(ROOT, 'bin', 'run.cjs')

const tempDirs = []
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, {recursive: true, force: true})
})

/** A fresh folder removed when the process exits. */
export function tempDir(prefix = 'tink-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  tempDirs.push(dir)
  return dir
}

/**
 * The environment a test run sees: PATH and HOME kept, TINK_* and proxies dropped, NO_COLOR.
 * The machine's NODE_EXTRA_CA_CERTS is dropped too: every server a test talks to is on loopback,
 * and on Node 20 parsing that bundle is CPU at every process start, hundreds of times a suite (the
 * TLS tests give their own CA in `extra`).
 */
export function cleanEnv(extra = {}) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^TINK_/.test(k) || /^(https?|no|all)_proxy$/i.test(k) || k === 'FORCE_COLOR' || k === 'NODE_OPTIONS' || k === 'NODE_EXTRA_CA_CERTS') continue
    env[k] = v
  }
  env.NO_COLOR = '1'
  env.TINK_CONFIG_DIR = extra.TINK_CONFIG_DIR ?? tempDir('tink-config-')
  return {...env, ...extra}
}

/**
 * Runs `tink ...args`. Resolves {code, stdout, stderr, signal}. `input` is written to stdin
 * (stdin is closed either way, as in CI); `env` is merged over cleanEnv().
 */
export function runCli(args, options = {}) {
  return runNode(BIN, args, {...options, label: `tink ${args.join(' ')}`})
}

/** Runs a Node script of the project (bin/run.cjs, scripts/demo.js) the same way as runCli. */
export function runNode(script, args, {env = {}, ...options} = {}) {
  return runProcess(process.execPath, [script, ...args], {label: script, ...options, env: cleanEnv(env)})
}

/**
 * Runs any program to its end: resolves {code, signal, stdout, stderr}. `env` is used as given
 * (build it with cleanEnv); `input` goes to stdin, which is closed either way, as in CI.
 */
export function runProcess(command, argv, {env, input, timeoutMs = 30_000, cwd = ROOT, label = command} = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {cwd, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${label} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeoutMs)
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.on('error', () => {})
    child.stdin.end(input)
  })
}

/** Env that points the CLI at a running emulator with its built-in client. */
export function emulatorEnv(emu, client = {id: 'tink-emulator-client', secret: 'tink-emulator-secret'}) {
  return {TINK_API_URL: emu.url, TINK_CLIENT_ID: client.id, TINK_CLIENT_SECRET: client.secret}
}

/** A loopback port nothing listened on a moment ago (for servers that take a port number, not 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address()
      srv.close(() => resolve(port))
    })
  })
}
