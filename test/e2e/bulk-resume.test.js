// Bulk runs interrupted with SIGINT half way, then resumed with the same command and --journal:
// the built CLI as a subprocess against the emulator with faults on. Proofs of issue 5, apart
// from test/e2e/bulk.test.js so the two long files run side by side.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {BIN, ROOT, cleanEnv, emulatorEnv, runCli, tempDir} from '../helpers.js'
import {FAULTS, csv, fileWriter, lines, statuses, usersWithPrefix} from '../support/bulk.js'

const dir = tempDir('tink-bulk-resume-')
const writeFile = fileWriter(dir)

/** Runs the CLI and sends SIGINT once `after` NDJSON lines have appeared on stdout. */
function runAndInterrupt(args, env, after) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let sent = false
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
      if (!sent && stdout.split('\n').length > after) {
        sent = true
        child.kill('SIGINT')
      }
    })
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr, sent})
    })
  })
}

describe('bulk runs interrupted and resumed with the journal, with faults', () => {
  let emu
  let env
  before(async () => {
    emu = await startEmulator({seed: 11})
    env = emulatorEnv(emu)
  })
  after(() => emu.close())

  test('SIGINT half way through 5,000 creates, then the same command with the journal: all 5,000 exist once', async () => {
    emu.setFaults(FAULTS + ',latency=1ms')
    const file = writeFile('resume.csv', csv(5000, 'resume-'))
    const journal = join(dir, 'resume.journal')
    const args = ['user', 'create', '--file', file, '--concurrency', '16', '--journal', journal]
    const first = await runAndInterrupt(args, env, 2500)
    assert.ok(first.sent, `the run ended before it could be interrupted: exit ${first.code}, ${first.stderr}`)
    assert.equal(first.code, 130, first.stderr)
    assert.match(first.stderr, /Interrupted: /)
    assert.match(first.stderr, /--journal/)
    const firstRows = lines(first.stdout)
    assert.ok(firstRows.length >= 2500 && firstRows.length < 5000, `first run reported ${firstRows.length} rows`)
    // Every reported row is in the journal, written as it finished.
    const journaled = readFileSync(journal, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l))
    assert.equal(journaled.length, firstRows.length)
    const existing = usersWithPrefix(emu, 'resume-').length
    assert.ok(existing < 5000)

    const second = await runCli(args, {env, timeoutMs: 60_000})
    emu.setFaults('')
    assert.equal(second.code, 0, second.stderr)
    const secondRows = lines(second.stdout)
    assert.equal(secondRows.length, 5000, 'one line per input row, journal rows included')
    const fromJournal = secondRows.filter((x) => x.from_journal)
    assert.equal(fromJournal.length, firstRows.filter((x) => x.status === 'created').length)
    assert.deepEqual(statuses(secondRows), {created: 5000})
    assert.equal(usersWithPrefix(emu, 'resume-').length, 5000)
    // Rows from the journal were not sent again.
    assert.match(second.stderr, /already done in journal/)
  })

  test('SIGINT half way through 5,000 deletes, then the same command with the journal: all gone', async () => {
    emu.setFaults(FAULTS + ',latency=1ms')
    const file = join(dir, 'resume.csv')
    const journal = join(dir, 'delete.journal')
    const args = ['user', 'delete', '--file', file, '--yes', '--concurrency', '16', '--journal', journal]
    const first = await runAndInterrupt(args, env, 2500)
    assert.ok(first.sent, `the run ended before it could be interrupted: exit ${first.code}, ${first.stderr}`)
    assert.equal(first.code, 130, first.stderr)
    const left = usersWithPrefix(emu, 'resume-').length
    assert.ok(left > 0 && left < 5000, `${left} left after the interrupted run`)
    const second = await runCli(args, {env, timeoutMs: 90_000})
    emu.setFaults('')
    assert.equal(second.code, 0, second.stderr)
    const rows = lines(second.stdout)
    assert.equal(rows.length, 5000)
    assert.deepEqual(statuses(rows), {deleted: 5000})
    assert.equal(usersWithPrefix(emu, 'resume-').length, 0)
  })
})
