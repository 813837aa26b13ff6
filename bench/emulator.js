#!/usr/bin/env node
// Throughput of the local Tink emulator: client-credentials tokens and user creates,
// driven over 16 keep-alive connections (undici Pool) against an emulator running in a
// child process (so the load generator does not share its event loop).
// Usage: node bench/emulator.js [--seconds 3] [--connections 16] [--state FILE] [--json]
// Needs a build first (npm run build). Exits by itself.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {Pool} from 'undici'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : dflt
}
const SECONDS = opt('seconds', 3)
const CONNECTIONS = opt('connections', 16)
const JSON_OUT = args.includes('--json')
const STATE = args.includes('--state') ? args[args.indexOf('--state') + 1] : undefined
const log = (...a) => (JSON_OUT ? console.error(...a) : console.log(...a))

const emulatorModule = new URL('../packages/emulator/dist/index.js', import.meta.url).href
const child = spawn(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `import {startEmulator} from ${JSON.stringify(emulatorModule)}
     const emu = await startEmulator({recordRequests: false, quiet: true, stateFile: ${JSON.stringify(STATE)}})
     console.log(emu.url)
     process.on('SIGTERM', async () => { await emu.close(); process.exit(0) })`,
  ],
  {stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url))},
)
const url = await new Promise((resolve, reject) => {
  let buf = ''
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d
    if (buf.includes('\n')) resolve(buf.trim())
  })
  child.on('exit', (code) => reject(new Error(`emulator child exited with ${code}`)))
})

const pool = new Pool(url, {connections: CONNECTIONS, pipelining: 1})
const FORM = {'content-type': 'application/x-www-form-urlencoded'}
const TOKEN_BODY = 'grant_type=client_credentials&client_id=tink-emulator-client&client_secret=tink-emulator-secret&scope=user:create'

async function post(path, body, headers) {
  const res = await pool.request({method: 'POST', path, body, headers})
  const text = await res.body.text()
  return {status: res.statusCode, text}
}

/** Runs `make(i)` requests with CONNECTIONS in flight for SECONDS; returns ok req/s. */
async function phase(name, make) {
  // Warm up the connections and the JIT before timing.
  const warmEnd = Date.now() + 300
  let i = 0
  await Promise.all(Array.from({length: CONNECTIONS}, async () => {
    while (Date.now() < warmEnd) await make(i++)
  }))
  let ok = 0
  let failed = 0
  const start = process.hrtime.bigint()
  const end = Date.now() + SECONDS * 1000
  await Promise.all(Array.from({length: CONNECTIONS}, async () => {
    while (Date.now() < end) {
      const r = await make(i++)
      if (r.status === 200) ok++
      else failed++
    }
  }))
  const secs = Number(process.hrtime.bigint() - start) / 1e9
  const rps = Math.round(ok / secs)
  log(`${name.padEnd(12)} ${String(rps).padStart(7)} req/s  (${ok} ok, ${failed} failed, ${secs.toFixed(2)} s, ${CONNECTIONS} connections)`)
  return {rps, ok, failed, seconds: secs}
}

const results = {}
try {
  results.token = await phase('token', () => post('/api/v1/oauth/token', TOKEN_BODY, FORM))
  const tok = JSON.parse((await post('/api/v1/oauth/token', TOKEN_BODY, FORM)).text).access_token
  const headers = {'content-type': 'application/json', authorization: `Bearer ${tok}`}
  const run = Date.now().toString(36)
  results.userCreate = await phase('user create', (i) =>
    post('/api/v1/user/create', `{"external_user_id":"bench-${run}-${i}","market":"GB","locale":"en_US"}`, headers),
  )
} finally {
  await pool.close()
  child.kill('SIGTERM')
}
if (JSON_OUT) console.log(JSON.stringify({connections: CONNECTIONS, seconds: SECONDS, ...results}))
