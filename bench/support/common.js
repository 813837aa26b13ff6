// What the benchmarks share: a clean environment for timed children, the emulator as a child
// process, a private keychain session, medians, the table printer and bench/results.json.
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import {loadavg} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {withoutExtraCerts} from './baseline.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = join(ROOT, 'bin', 'run.cjs')

/** The environment of a timed child: no TINK_*, proxies, NODE_OPTIONS, DEBUG or NODE_EXTRA_CA_CERTS. */
export function cleanEnv(extra = {}) {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^TINK_/.test(k) || /^(https?|no|all)_proxy$/i.test(k) || k === 'NODE_OPTIONS' || k === 'DEBUG') continue
    env[k] = v
  }
  return withoutExtraCerts({...env, NO_COLOR: '1', ...extra})
}

export function numberOption(args, name, fallback) {
  const i = args.indexOf(name)
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * The keychain cases need a Secret Service: re-runs `npm run bench -- TARGET ARGS` inside a
 * private gnome-keyring session (scripts/keyring-session.sh) when there is no D-Bus session.
 * True when it did (the caller returns).
 */
export function reexecInKeyringSession(target, args) {
  if (process.env.DBUS_SESSION_BUS_ADDRESS || process.env.TINK_BENCH_IN_DBUS) return false
  if (spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], {stdio: 'ignore'}).status !== 0) return false
  const r = spawnSync('sh', [join(ROOT, 'scripts', 'keyring-session.sh'), process.execPath, join(ROOT, 'bench', 'run.js'), target, ...args], {
    stdio: 'inherit',
    env: {...process.env, TINK_BENCH_IN_DBUS: '1'},
  })
  process.exitCode = r.status ?? 1
  return true
}

/** `tink emulator start --json` of this build, as a child process: {url, clientId, clientSecret, stats(), stop()}. */
export function startEmulator(extraArgs = []) {
  const child = spawn(process.execPath, [BIN, 'emulator', 'start', '--json', '--quiet', ...extraArgs], {stdio: ['ignore', 'pipe', 'inherit'], env: cleanEnv()})
  return new Promise((resolve, reject) => {
    let buf = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl >= 0) {
        const info = JSON.parse(buf.slice(0, nl))
        // stop() waits for the exit, so a temp folder is not removed while the emulator writes.
        const exited = new Promise((done) => child.once('exit', done))
        const stats = () => getJson(`${info.url}/__emulator/stats`)
        resolve({...info, stats, stop: () => (child.kill('SIGTERM'), exited)})
      }
    })
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
  })
}

/** GET a JSON document on a fresh connection: a kept-alive one may be closed by the server while a long run goes on. */
function getJson(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, {agent: false}, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d) => (body += d))
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`GET ${url}: HTTP ${res.statusCode}`))))
      })
      .on('error', reject)
  })
}

export function machine() {
  let cpu = ''
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? ''
  } catch {
    // not Linux
  }
  return `${process.platform}-${process.arch}, ${(spawnSync('nproc', {encoding: 'utf8'}).stdout || '?').trim()} cores${cpu ? `, ${cpu}` : ''}`
}

/** The 1-minute load average, as `uptime` prints it. */
export const load1 = () => Number(loadavg()[0].toFixed(2))

/** Rows of cells as aligned columns: the first left-aligned, the others right-aligned. */
export function formatTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)))
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n'
}

/** bench/results.json holds one section per benchmark, so their figures sit side by side. */
export function saveResults(section, value) {
  const file = join(ROOT, 'bench', 'results.json')
  let all = {}
  try {
    all = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    // none yet
  }
  all[section] = value
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n')
}
