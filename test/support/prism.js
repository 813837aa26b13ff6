// Stoplight Prism (a third-party OpenAPI validator, dev dependency) as a test fixture: started as
// a child process on a free loopback port, in proxy mode (validates real traffic to an upstream,
// both directions) or mock mode (answers from the spec). Its log is read from its stdout and
// scanned for what it found wrong:
//   - `Violation: ...` lines, by severity. An HTTP status the spec does not declare is a warning
//     (the spec lists 200/400/401/204 only; Tink also answers 403, 404, 409, 429).
//   - `Request terminated with error: ...` lines. With --errors, Prism logs a request violation
//     (422) or a response violation (500, details in the sl-violations header) this way instead
//     of as a `Violation:` line, so these count as errors too.
// Prism logs at info level only: debug level would print request bodies, i.e. client secrets.
import {spawn} from 'node:child_process'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {freePort, ROOT} from '../helpers.js'

export const SPEC = join(ROOT, 'spec', 'tink-oauth.openapi.yaml')

function prismBin() {
  const require = createRequire(join(ROOT, 'package.json'))
  const pkgPath = require.resolve('@stoplight/prism-cli/package.json')
  const bin = require(pkgPath).bin
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.prism)
}

// Prism runs under a small watchdog that stops it when the watchdog's stdin closes, i.e. when
// the test process is gone however it ended (a crash, a killed runner, a broken pipe): a
// Prism left behind would hold its port and a core.
const WATCHDOG = `
const {spawn} = require('node:child_process')
const child = spawn(process.execPath, process.argv.slice(1), {stdio: ['ignore', 'inherit', 'inherit']})
const stop = () => child.kill('SIGTERM')
process.stdin.on('end', stop).on('error', stop).resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
`

 
const ANSI = /\u001b\[[0-9;]*m/g

/**
 * Starts `prism <mode> -p PORT --errors SPEC [upstream]` and resolves once it logs
 * `Prism is listening`. Retries on another port if the chosen one was taken meanwhile.
 */
export async function startPrism({mode, upstream, spec = SPEC, timeoutMs = 30_000}) {
  let lastError
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      return await launch({mode, upstream, spec, port, timeoutMs})
    } catch (err) {
      lastError = err
      if (!/EADDRINUSE/.test(err.message)) throw err
    }
  }
  throw lastError
}

function launch({mode, upstream, spec, port, timeoutMs}) {
  const args = [prismBin(), mode, '-p', String(port), '-h', '127.0.0.1', '--errors', spec]
  if (mode === 'proxy') args.push(upstream)
  const child = spawn(process.execPath, ['-e', WATCHDOG, ...args], {cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  child.stdin.on('error', () => {})
  let log = ''
  let lastOutputAt = performance.now()
  const onData = (d) => {
    log += String(d).replace(ANSI, '')
    lastOutputAt = performance.now()
  }
  child.stdout.setEncoding('utf8').on('data', onData)
  child.stderr.setEncoding('utf8').on('data', onData)
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))

  const prism = {
    mode,
    port,
    url: `http://127.0.0.1:${port}`,
    /** The whole log so far. */
    log: () => log,
    /** A position in the log, to look at what a test caused: prism.since(mark). */
    mark: () => log.length,
    since: (mark) => log.slice(mark),
    /** Waits until Prism has logged nothing for `quietMs` (it may log just after answering). */
    async settle(quietMs = 150, maxMs = 3000) {
      const start = performance.now()
      while (performance.now() - lastOutputAt < quietMs && performance.now() - start < maxMs) {
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
        await exited
        clearTimeout(timer)
      }
    },
  }

  return new Promise((resolve, reject) => {
    const fail = async (why) => {
      clearTimeout(timer)
      await prism.close()
      reject(new Error(`prism ${mode} did not start: ${why}\n${log}`))
    }
    const timer = setTimeout(() => fail(`no "Prism is listening" within ${timeoutMs} ms`), timeoutMs)
    const check = () => {
      if (/Prism is listening/.test(log)) {
        clearTimeout(timer)
        child.stdout.off('data', check)
        resolve(prism)
      } else if (/EADDRINUSE|address already in use/i.test(log)) {
        fail('EADDRINUSE')
      }
    }
    child.stdout.on('data', check)
    exited.then(({code, signal}) => fail(`exited with ${code ?? signal}`))
  })
}

/**
 * What Prism reported in a piece of its log: {errors, warnings}, each a list of log lines.
 * Errors: error/fatal lines (request violations, response violations, upstream failures).
 * Warnings: `Violation:` lines at warning level (e.g. a status the spec does not declare).
 */
export function scanLog(text) {
  const errors = []
  const warnings = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    // The level is a padded column ("error     "), which tells it apart from the word in a message.
    const m = /\s(fatal|error|warning)\s{2,}(.*)$/.exec(line)
    if (!m) continue
    if (m[1] === 'warning') {
      if (/Violation:/.test(m[2])) warnings.push(line)
    } else {
      errors.push(line)
    }
  }
  return {errors, warnings}
}

/** How many requests for `path` Prism received in a piece of its log. */
export function countReceived(text, path) {
  const re = new RegExp(`\\] post ${path.replace(/[/.]/g, '\\$&')} .*Request received`, 'g')
  return (text.match(re) ?? []).length
}

/** All requests Prism received in a piece of its log. */
export function countAllReceived(text) {
  return (text.match(/Request received/g) ?? []).length
}
