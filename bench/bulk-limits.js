// `npm run bench -- bulk` (also alone: `npm run bench -- bulk-limits`): bulk user create with
// default flags against a server with Tink's kind of per-app rate limit (a token bucket of R
// requests/s, burst R, 429 with Retry-After: 1 beyond it) answering in L ms, for R/L = 100/50,
// 300/100 and 50/300: rows/s as a fraction of R (goal >= 0.9) and the share of requests refused
// 429 (goal <= 5%), every user created exactly once; and without a limit at 100 ms with
// --concurrency 16 --adaptive off: rows/s as a fraction of 16 / 0.1 s (goal >= 0.92). Whole
// processes, start-up and ramp-up included. Options: --limit-rows N (default 3000).
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {rateLimitedServer} from '../test/support/bulk.js'
import {withoutExtraCerts} from './support/baseline.js'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.cjs')

function tink(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stderr}))
  })
}

export async function main(args) {
  const i = args.indexOf('--limit-rows')
  const rows = i >= 0 ? Number(args[i + 1]) : 3000
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-limits-'))
  const cases = [
    {name: 'limit 100/s, 50 ms', rate: 100, latencyMs: 50},
    {name: 'limit 300/s, 100 ms', rate: 300, latencyMs: 100},
    {name: 'limit 50/s, 300 ms (a slow, strict app)', rate: 50, latencyMs: 300},
    {name: 'no limit, 100 ms, --concurrency 16 --adaptive off', latencyMs: 100, flags: ['--concurrency', '16', '--adaptive', 'off'], ceiling: 160},
  ]
  const out = []
  try {
    for (const [n, c] of cases.entries()) {
      process.stderr.write(`\rbulk limits: case ${n + 1}/${cases.length}   `)
      const server = await rateLimitedServer({rate: c.rate, latencyMs: c.latencyMs})
      const file = join(dir, `limits-${n}.csv`)
      writeFileSync(file, ['external_user_id,market', ...Array.from({length: rows}, (_, k) => `lim${n}-${k},GB`)].join('\n') + '\n')
      const env = withoutExtraCerts({PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TINK_CONFIG_DIR: dir, ...server.env})
      const started = performance.now()
      const r = await tink(['user', 'create', '--file', file, ...(c.flags ?? [])], env)
      const secs = (performance.now() - started) / 1000
      await server.close()
      const once = server.created.size === rows && [...server.created.values()].every((v) => v === 1)
      const refused = (server.byStatus[429] ?? 0) / server.requests
      out.push({...c, secs, rowsPerSec: rows / secs, fraction: rows / secs / (c.rate ?? c.ceiling), refused, once, code: r.code})
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  process.stderr.write('\n')
  const table = [
    ['case', 'seconds', 'rows/s', 'of limit', 'goal', '429s', 'exactly once', 'exit'],
    ...out.map((o) => {
      const goal = o.rate ? 0.9 : 0.92
      const ok = o.fraction >= goal && (!o.rate || o.refused <= 0.05) && o.once && o.code === 0
      return [o.name, o.secs.toFixed(1), o.rowsPerSec.toFixed(0), `${o.fraction.toFixed(2)}x`, `>= ${goal}x${o.rate ? ', <= 5% 429' : ''} ${ok ? 'ok' : 'MISSED'}`, `${(o.refused * 100).toFixed(1)}%`, o.once ? 'yes' : 'NO', String(o.code)]
    }),
  ]
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
  process.stdout.write(`\nbulk user create, ${rows} rows, default flags, against a token-bucket rate limit (whole process, start-up and ramp-up included)\n`)
  process.stdout.write(table.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n')
  return out
}
