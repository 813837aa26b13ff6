#!/usr/bin/env node
// Issue 12: peak RSS of `tink user create --file` over N rows (default 1,000,000) against the
// emulator, and the time to resume its journal once every row is done, side by side as a ratio.
// The emulator runs in this process with request recording off, so its memory is not what
// /usr/bin/time measures: that is the tink process alone. No V8 flags, no gc().
//   npm run bench -- bulk-memory [--rows N] [--concurrency N]
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, openSync, rmSync, writeSync, closeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {startEmulator} from 'tink-emulator'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'bin', 'run.cjs')

function writeRows(path, n) {
  const fd = openSync(path, 'w')
  writeSync(fd, 'external_user_id,market\n')
  let batch = []
  for (let i = 0; i < n; i++) {
    batch.push(`bench-mem-${i},GB`)
    if (batch.length === 10_000 || i === n - 1) {
      writeSync(fd, batch.join('\n') + '\n')
      batch = []
    }
  }
  closeSync(fd)
}

/** One run under /usr/bin/time -v: wall seconds, peak RSS (MB), exit code. */
function timed(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, ...args], {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1])
      const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(stderr)
      const secs = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN
      resolve({code, mb: kb / 1024, secs, stderr})
    })
  })
}

export async function main(argv = process.argv.slice(2)) {
  const {values} = parseArgs({args: argv, options: {rows: {type: 'string', default: '1000000'}, concurrency: {type: 'string', default: '16'}}})
  if (!existsSync('/usr/bin/time')) {
    process.stdout.write('bulk-memory: skipped (needs /usr/bin/time)\n')
    return
  }
  const rows = Number(values.rows)
  const dir = mkdtempSync(join(tmpdir(), 'tink-bench-mem-'))
  const emu = await startEmulator({recordRequests: false})
  try {
    const file = join(dir, 'users.csv')
    const journal = join(dir, 'users.journal')
    writeRows(file, rows)
    const env = {PATH: process.env.PATH, HOME: dir, TINK_CONFIG_DIR: join(dir, 'config'), TINK_API_URL: emu.url, TINK_CLIENT_ID: 'tink-emulator-client', TINK_CLIENT_SECRET: 'tink-emulator-secret'}
    const args = ['user', 'create', '--file', file, '--journal', journal, '--concurrency', values.concurrency]
    const first = await timed(args, env)
    const resumed = await timed(args, env)
    for (const [name, r] of [['first run', first], ['resume', resumed]]) if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(0, 500)}`)
    const line = (name, r) => `  ${name.padEnd(10)} ${r.secs.toFixed(1).padStart(7)} s  peak RSS ${r.mb.toFixed(0).padStart(4)} MB`
    process.stdout.write(`bulk-memory: ${rows.toLocaleString('en')} rows of user create --file against the emulator (recording off)\n`)
    process.stdout.write(`${line('first run', first)}\n${line('resume', resumed)}\n`)
    process.stdout.write(`  resume / first run time: ${(resumed.secs / first.secs).toFixed(2)} (at most 1.00); peak RSS limit 150 MB: ${Math.max(first.mb, resumed.mb) <= 150 ? 'held' : 'MISSED'}\n`)
  } finally {
    await emu.close()
    rmSync(dir, {recursive: true, force: true})
  }
}
