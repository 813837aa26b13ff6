#!/usr/bin/env node
// Issue 26: bulk throughput with --jq (each NDJSON result line through jq in WebAssembly) against
// the same run without it: N rows (default 3,000) of `user create --file`, --concurrency 16 fixed,
// interleaved rounds (default 5), medians of the wall time (start-up and jq's load included) and
// of the rate in the run's summary. NODE_EXTRA_CA_CERTS is unset for every timed run.
//   npm run bench -- bulk-jq [--rows N] [--rounds N] [--jq EXPR]
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {startEmulator} from 'tink-emulator'
import {median} from './support/common.js'
import {EXTRA_CERTS_NOTE, withoutExtraCerts} from './support/baseline.js'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'run.cjs')

function run(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, [BIN, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let lines = 0
    let stderr = ''
    child.stdout.on('data', (d) => {
      for (const b of d) if (b === 10) lines++
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, lines, stderr, secs: (performance.now() - started) / 1000, engine: Number(/\((\d+) rows\/s\)/.exec(stderr)?.[1])}))
  })
}

export async function main(argv = process.argv.slice(2)) {
  const {values} = parseArgs({args: argv, options: {rows: {type: 'string', default: '3000'}, rounds: {type: 'string', default: '5'}, jq: {type: 'string', default: '[.external_user_id, .status, .user_id] | @tsv'}}, strict: false})
  const rows = Number(values.rows)
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-jq-'))
  const emu = await startEmulator({recordRequests: false})
  try {
    const env = withoutExtraCerts({PATH: process.env.PATH, HOME: dir, TINK_CONFIG_DIR: join(dir, 'config'), TINK_API_URL: emu.url, TINK_CLIENT_ID: 'tink-emulator-client', TINK_CLIENT_SECRET: 'tink-emulator-secret'})
    const cases = [
      {label: 'without --jq', extra: []},
      {label: `--jq '${values.jq}'`, extra: ['--jq', values.jq]},
    ].map((c) => ({...c, runs: []}))
    for (let round = -1; round < Number(values.rounds); round++) {
      for (let i = 0; i < cases.length; i++) {
        const c = cases[(i + Math.max(0, round)) % cases.length]
        const file = join(dir, `u-${round}-${i}.csv`)
        writeFileSync(file, 'external_user_id,market\n' + Array.from({length: rows}, (_, n) => `jq-${round}-${i}-${n},GB`).join('\n') + '\n')
        const r = await run(['user', 'create', '--file', file, '--concurrency', '16', '--adaptive', 'off', ...c.extra], env)
        if (r.code !== 0 || r.lines !== rows) throw new Error(`${c.label} exited ${r.code} with ${r.lines} lines: ${r.stderr.slice(-500)}`)
        // Round -1 warms the code cache of each (as on a user's machine); not counted.
        if (round >= 0) c.runs.push(r)
      }
    }
    const [plain, jq] = cases.map((c) => ({label: c.label, secs: median(c.runs.map((r) => r.secs)), engine: median(c.runs.map((r) => r.engine))}))
    const line = (c) => `  ${c.label.padEnd(60)} ${c.secs.toFixed(2)} s  ${(rows / c.secs).toFixed(0).padStart(6)} rows/s (${c.engine} in its summary)\n`
    process.stdout.write(
      `bulk-jq: ${rows.toLocaleString('en')} rows of user create --file, --concurrency 16 fixed, medians of ${values.rounds} interleaved rounds; ${EXTRA_CERTS_NOTE}\n` +
        line(plain) +
        line(jq) +
        `  with --jq / without, rows/s: ${(plain.secs / jq.secs).toFixed(2)}x of the wall time, ${(jq.engine / plain.engine).toFixed(2)}x in the summaries\n`,
    )
    return {rows, plain, jq}
  } finally {
    await emu.close()
    rmSync(dir, {recursive: true, force: true})
  }
}
