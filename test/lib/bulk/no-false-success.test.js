// Issue 15 section 1 and issue 12 item 3: a bulk run never reports success for work that did not
// happen. In process (runTink) against the emulator over loopback, or against a purpose-built
// loopback server where Tink's answers must be imitated exactly; what belongs to the process
// (stdout closed, a full disk, signals, peak memory) with the built CLI as a subprocess.
import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, execFileSync} from 'node:child_process'
import {createServer} from 'node:http'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startEmulator} from 'tink-emulator'
import {BIN, ROOT, cleanEnv, emulatorEnv, tempDir} from '../../helpers.js'
import {runTink} from '../../support/in-process.js'

const dir = tempDir('tink-bulk-safety-')
const file = (name, content) => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
const lines = (stdout) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
const noStack = (r) => assert.doesNotMatch(r.stderr, /\n\s+at |node:internal/, r.stderr)
/** Tink's answer to a client token request, for the purpose-built servers below. */
const answerToken = (res) => {
  res.writeHead(200, {'content-type': 'application/json'})
  res.end(JSON.stringify({access_token: 'tok', token_type: 'bearer', expires_in: 1800, scope: 'user:create'}))
}

describe('bulk input and output against the emulator', () => {
  let emu
  let env
  before(async () => {
    emu = await startEmulator({seed: 3})
    env = {...emulatorEnv(emu)}
  })
  after(() => emu.close())
  const has = (ext) => emu.users().some((u) => u.external_user_id === ext)

  test('CSV is RFC 4180: a quoted field with line breaks is one row; the line inside it is never deleted', async () => {
    await runTink(['user', 'create', '--file', file('seed.csv', 'external_user_id,market\nleaver-1,GB\nvictim-7,GB\nleaver-2,GB\n')], {env})
    assert.ok(has('victim-7'))
    const f = file('leavers.csv', 'external_user_id,note\nleaver-1,"note:\nvictim-7,do NOT delete\nend"\r\nleaver-2,"a, ""quoted"" note"\n')
    const r = await runTink(['user', 'delete', '--file', f, '--yes'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(lines(r.stdout).map((x) => [x.row, x.external_user_id, x.status]).sort(), [[2, 'leaver-1', 'deleted'], [5, 'leaver-2', 'deleted']])
    assert.ok(has('victim-7'), 'the line inside a quoted field was taken for a row')
  })

  test('rows without a locale get their market\'s own (GB en_GB, SE sv_SE, US en_US, NO no_NO); --locale still wins', async () => {
    const r = await runTink(['user', 'create', '--file', file('loc.csv', 'external_user_id,market\nloc-gb,GB\nloc-se,SE\nloc-us,US\nloc-no,NO\n')], {env})
    assert.equal(r.code, 0, r.stderr)
    const locale = (ext) => emu.users().find((u) => u.external_user_id === ext)?.locale
    assert.deepEqual(['loc-gb', 'loc-se', 'loc-us', 'loc-no'].map(locale), ['en_GB', 'sv_SE', 'en_US', 'no_NO'])
    const flagged = await runTink(['user', 'create', '--file', file('loc-flag.csv', 'external_user_id,market\nloc-de,DE\n'), '--locale', 'en_US'], {env})
    assert.equal(flagged.code, 0, flagged.stderr)
    assert.equal(locale('loc-de'), 'en_US')
  })

  test('";" and tab delimiters are detected from the header and said on stderr; --delimiter sets one', async () => {
    const semi = await runTink(['user', 'create', '--file', file('semi.csv', 'external_user_id;market;locale\nsemi-1;GB;en_GB\n"semi;2";SE;sv_SE\n')], {env})
    assert.equal(semi.code, 0, semi.stderr)
    assert.match(semi.stderr, /with ";" as the CSV delimiter \(detected from the header/)
    assert.ok(has('semi-1') && has('semi;2'))
    const tab = await runTink(['user', 'create', '--file', file('tab.csv', 'external_user_id\tmarket\ntab-1\tGB\n')], {env})
    assert.equal(tab.code, 0, tab.stderr)
    assert.match(tab.stderr, /with tab as the CSV delimiter/)
    const pipe = await runTink(['user', 'create', '--file', file('pipe.csv', 'external_user_id|market\npipe-1|GB\n'), '--delimiter', '|'], {env})
    assert.equal(pipe.code, 0, pipe.stderr)
    assert.ok(has('pipe-1'))
    const plain = await runTink(['user', 'create', '--file', file('comma.csv', 'external_user_id,market\ncomma-1,GB\n')], {env})
    assert.doesNotMatch(plain.stderr, /delimiter/)
  })

  test('a line that is not UTF-8 (Latin-1) is invalid with its line number, CSV and NDJSON; never sent, never a false duplicate', async () => {
    const latin = Buffer.concat([Buffer.from('external_user_id,market\n'), Buffer.from([0x6c, 0x2d, 0xe9, 0x2c, 0x47, 0x42, 0x0a]), Buffer.from([0x6c, 0x2d, 0xe8, 0x2c, 0x47, 0x42, 0x0a]), Buffer.from('l-ok,GB\n')])
    emu.requests.length = 0
    const r = await runTink(['user', 'create', '--file', file('latin.csv', latin)], {env})
    assert.equal(r.code, 6, r.stderr)
    const rows = lines(r.stdout).sort((a, b) => a.row - b.row)
    assert.deepEqual(rows.map((x) => [x.row, x.status]), [[2, 'invalid'], [3, 'invalid'], [4, 'created']])
    for (const x of rows.slice(0, 2)) assert.match(x.error.message, new RegExp(`^line ${x.row}: not valid UTF-8`))
    assert.ok(!emu.users().some((u) => u.external_user_id.includes('\uFFFD')))
    const nd = Buffer.concat([Buffer.from('{"external_user_id":"n-ok","market":"GB"}\n'), Buffer.from([0x7b, 0x22, 0x65, 0x78, 0x74, 0x65, 0x72, 0x6e, 0x61, 0x6c, 0x5f, 0x75, 0x73, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d, 0x0a])])
    const n = await runTink(['user', 'create', '--file', file('latin.ndjson', nd), '--market', 'GB'], {env})
    assert.equal(n.code, 6, n.stderr)
    assert.deepEqual(lines(n.stdout).sort((a, b) => a.row - b.row).map((x) => [x.row, x.status, x.error?.message?.slice(0, 26)]), [[1, 'created', undefined], [2, 'invalid', 'line 2: not valid UTF-8 te']])
  })

  test('tink\'s own NDJSON results are valid delete input (row, status and error ignored; user_id used)', async () => {
    const created = await runTink(['user', 'create', '--file', file('own.csv', 'external_user_id,market\nown-1,GB\nown-2,GB\nown-3,XX\n')], {env})
    const results = file('results.ndjson', created.stdout)
    const r = await runTink(['user', 'delete', '--file', results, '--yes'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(lines(r.stdout).map((x) => x.status).sort(), ['deleted', 'deleted', 'not_found'])
    assert.ok(!has('own-1') && !has('own-2'))
  })

  test('stdout closed (| head -1): the run stops sending, says how many rows were not processed, exit 130', async () => {
    const rows = ['external_user_id,market']
    for (let i = 0; i < 3000; i++) rows.push(`head-${i},GB`)
    const f = file('head.csv', rows.join('\n') + '\n')
    const journal = join(dir, 'head.journal')
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', f, '--journal', journal], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
      child.stdout.once('data', () => child.stdout.destroy())
      child.on('close', (code) => resolve({code, stderr}))
    })
    assert.equal(r.code, 130, r.stderr)
    assert.match(r.stderr, /Stopped: standard output was closed/)
    assert.match(r.stderr, /\d+ rows of the input were not processed: run the same command again with --journal/)
    noStack(r)
    const made = emu.users().filter((u) => u.external_user_id.startsWith('head-')).length
    assert.ok(made < 3000, `${made} users were created after stdout closed`)
  })

  test('stdout on a full disk (/dev/full): one line naming it, exit 7, no stack, no JSON document after', {skip: !existsSync('/dev/full') && 'no /dev/full'}, async () => {
    const f = file('full.csv', 'external_user_id,market\nfull-1,GB\nfull-2,GB\n')
    for (const extra of [[], ['--json']]) {
      const r = await new Promise((resolve) => {
        const child = spawn('sh', ['-c', `exec "${process.execPath}" "${BIN}" user create --file "${f}" ${extra.join(' ')} > /dev/full`], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe']})
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
        child.on('close', (code) => resolve({code, stderr}))
      })
      assert.equal(r.code, 7, r.stderr)
      assert.match(r.stderr, /Cannot write the results to standard output \(\/dev\/full\): ENOSPC/)
      noStack(r)
    }
  })

  test('--file and --journal take regular files only: FIFO, device, folder, endless line: one line, exit 2, quickly', async () => {
    const fifo = join(dir, 'fifo.csv')
    execFileSync('mkfifo', [fifo])
    const runs = [
      await runTink(['user', 'create', '--file', fifo, '--market', 'GB'], {env, timeoutMs: 10_000}),
      await runTink(['user', 'create', '--file', '/dev/zero', '--market', 'GB'], {env, timeoutMs: 10_000}),
      await runTink(['user', 'create', '--file', dir, '--market', 'GB'], {env, timeoutMs: 10_000}),
      await runTink(['user', 'create', '--file', '-', '--market', 'GB'], {env, input: 'a'.repeat(3 * 1024 * 1024), timeoutMs: 10_000}),
      await runTink(['user', 'create', '--file', file('j.csv', 'external_user_id,market\nj-1,GB\n'), '--journal', fifo], {env, timeoutMs: 10_000}),
      await runTink(['user', 'delete', '--file', fifo, '--yes'], {env, timeoutMs: 10_000}),
    ]
    for (const r of runs) {
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
      noStack(r)
    }
    assert.match(runs[0].stderr, /named pipe/)
    assert.match(runs[1].stderr, /device/)
    assert.match(runs[2].stderr, /folder/)
    assert.match(runs[3].stderr, /line 1 of --file is longer than 1 MiB/)
    assert.match(runs[4].stderr, /--journal .* named pipe/)
  })

  test('memory and resume through oclif: 20,000 rows stay under 150 MB peak RSS, and resuming the journal is not slower than the first run', {skip: !existsSync('/usr/bin/time') && 'needs /usr/bin/time'}, async () => {
    const rows = ['external_user_id,market']
    for (let i = 0; i < 20_000; i++) rows.push(`mem-${i},GB`)
    const f = file('mem.csv', rows.join('\n') + '\n')
    const journal = join(dir, 'mem.journal')
    const timed = () =>
      new Promise((resolve) => {
        const started = Date.now()
        const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'user', 'create', '--file', f, '--journal', journal, '--concurrency', '16'], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe']})
        let stderr = ''
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
        child.on('close', (code) => resolve({code, ms: Date.now() - started, kb: Number(stderr.trim().split('\n').pop()), stderr}))
      })
    const first = await timed()
    assert.equal(first.code, 0, first.stderr)
    const resumed = await timed()
    assert.equal(resumed.code, 0, resumed.stderr)
    assert.match(resumed.stderr, /20000 rows were already done in journal/)
    assert.ok(first.kb < 150 * 1024 && resumed.kb < 150 * 1024, `peak RSS ${first.kb} / ${resumed.kb} KiB`)
    assert.ok(resumed.ms <= first.ms * 1.5, `first ${first.ms} ms, resumed ${resumed.ms} ms`)
  })
})

test('a bulk --file run is the kind bin/run.cjs bounds V8\'s heap growth for (needs.steady); other command lines are not', async () => {
  const {runsSteady} = await import('../../../dist/lib/cli/command-needs.cjs')
  const table = JSON.parse(readFileSync(join(ROOT, 'dist', 'command-needs.json'), 'utf8'))
  for (const argv of [['user', 'create', '--file', 'u.csv'], ['user', 'delete', '--file=u.csv', '--yes'], ['user', 'create', '-f', 'u.csv'], ['user', 'create', '-fu.csv']])
    assert.equal(runsSteady(argv, table), true, argv.join(' '))
  for (const argv of [['user', 'create', '-e', 'x', '--market', 'GB'], ['user', 'create', '--file', 'u.csv', '--help'], ['token', 'get', '--file', 'x'], ['user', 'get', '-e', 'x'], []])
    assert.equal(runsSteady(argv, table), false, argv.join(' ') || '(no words)')
})

describe('only Tink\'s own answers settle a row', () => {
  // A server that is Tink for tokens, and a proxy's HTML page for everything else.
  let server
  let env
  let answer = {status: 404, body: '<html><body><h1>404 Not Found</h1>nginx</body></html>', type: 'text/html'}
  before(async () => {
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        if (req.url === '/api/v1/oauth/token') {
          return answerToken(res)
        }
        res.writeHead(answer.status, {'content-type': answer.type, ...(answer.headers ?? {})})
        res.end(answer.body)
      })
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    env = {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}
  })
  after(() => server.close())

  test('a proxy\'s 404 and 409 are failures, never deleted/not_found/exists, and never journaled as done; single commands too', async () => {
    const f = file('proxy.csv', 'external_user_id,market\np-1,GB\np-2,GB\n')
    const journal = join(dir, 'proxy.journal')
    for (const status of [404, 409]) {
      answer = {status, body: `<html><body><h1>${status}</h1>gateway</body></html>`, type: 'text/html'}
      const del = await runTink(['user', 'delete', '--file', f, '--yes', '--journal', journal, '--retries', '0'], {env})
      assert.equal(del.code, 6, del.stderr)
      assert.deepEqual(lines(del.stdout).map((x) => x.status), ['failed', 'failed'])
      const cr = await runTink(['user', 'create', '--file', f, '--journal', join(dir, `proxy-c${status}.journal`), '--retries', '0'], {env})
      assert.equal(cr.code, 6, cr.stderr)
      assert.deepEqual(lines(cr.stdout).map((x) => x.status), ['failed', 'failed'])
      assert.match(lines(cr.stdout)[0].error.hint, /did not come from Tink/)
      for (const j of [journal, join(dir, `proxy-c${status}.journal`)]) {
        const done = readFileSync(j, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l)).filter((x) => x.status !== 'failed')
        assert.deepEqual(done, [])
      }
    }
    // JSON of another shape (a gateway's) is not Tink's either.
    answer = {status: 404, body: '{"message":"Not Found"}', type: 'application/json'}
    const single = await runTink(['user', 'delete', '--external-user-id', 'p-1', '--yes', '--retries', '0'], {env})
    assert.equal(single.code, 5, single.stderr)
    assert.doesNotMatch(single.stderr, /No user with/)
    answer = {status: 409, body: '<html>conflict</html>', type: 'text/html'}
    const one = await runTink(['user', 'create', '--external-user-id', 'p-1', '--market', 'GB', '--retries', '0'], {env})
    assert.equal(one.code, 5, one.stderr)
    assert.doesNotMatch(one.stderr, /already exists/)
    // Tink's own 404 still settles: not_found.
    answer = {status: 404, body: '{"errorMessage":"User not found","errorCode":"user_not_found"}', type: 'application/json'}
    const real = await runTink(['user', 'delete', '--file', f, '--yes'], {env})
    assert.equal(real.code, 0, real.stderr)
    assert.deepEqual(lines(real.stdout).map((x) => x.status), ['not_found', 'not_found'])
  })

  test('Retry-After: a far-future date or a huge value stops the run within seconds, saying when Tink asked to be called again; negative or garbage backs off', async () => {
    const f = file('ra.csv', 'external_user_id,market\nra-1,GB\n')
    for (const [value, when] of [['Fri, 31 Dec 2100 23:59:59 GMT', /at 2100-12-31T23:59:5\d/], ['99999999999', /in 99999999999 s/]]) {
      answer = {status: 429, body: '{"errorMessage":"slow down","errorCode":"rate_limited"}', type: 'application/json', headers: {'retry-after': value}}
      const started = performance.now()
      const r = await runTink(['user', 'create', '--file', f], {env})
      assert.ok(performance.now() - started < 5000, `${value}: the run waited`)
      assert.equal(r.code, 5, r.stderr)
      assert.match(r.stderr, /Tink asked to be called again in \d+ s \(Retry-After\), at .*, later than the 120 s this CLI waits/)
      assert.match(r.stderr, when)
      assert.doesNotMatch(r.stderr, /pause for/)
    }
    // Each value against a server of its own, all at once: the backoff is real time.
    const backoff = async (value) => {
      const times = []
      const srv = createServer((req, res) => {
        req.resume()
        req.on('end', () => {
          if (req.url === '/api/v1/oauth/token') {
            return answerToken(res)
          }
          times.push(performance.now())
          res.writeHead(429, {'content-type': 'application/json', 'retry-after': value})
          res.end('{"errorMessage":"slow down","errorCode":"rate_limited"}')
        })
      })
      await new Promise((r) => srv.listen(0, '127.0.0.1', r))
      try {
        const r = await runTink(['user', 'create', '--file', f, '--retries', '2'], {env: {...env, TINK_API_URL: `http://127.0.0.1:${srv.address().port}`}, timeoutMs: 20_000})
        assert.equal(r.code, 6, r.stderr)
        const gaps = times.slice(1).map((t, i) => t - times[i])
        assert.ok(gaps.length >= 2 && gaps.every((g) => g >= 20), `Retry-After ${value}: gaps ${gaps.map(Math.round)} ms, no backoff`)
      } finally {
        srv.close()
      }
    }
    await Promise.all(['-5', 'soon', 'Tomorrow 3'].map(backoff))
  })
})

describe('Ctrl-C in a bulk run', () => {
  // Tink for tokens; user creates get `answer`, after `delayMs`.
  let server
  let env
  let creates = []
  let tokens = 0
  let answer
  let tokenAnswer
  let delayMs = 0
  before(async () => {
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        if (req.url === '/api/v1/oauth/token') {
          tokens++
          if (tokenAnswer) {
            res.writeHead(tokenAnswer.status, {'content-type': 'application/json', ...tokenAnswer.headers})
            return res.end(tokenAnswer.body)
          }
          return answerToken(res)
        }
        creates.push(performance.now())
        const {status, headers = {}, body} = answer()
        setTimeout(() => {
          res.writeHead(status, {'content-type': 'application/json', ...headers})
          res.end(body)
        }, delayMs)
      })
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    env = {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}
  })
  after(() => server.close())

  let n = 0
  const created = () => ({status: 200, body: JSON.stringify({user_id: `${String(++n).padStart(32, '0')}`, external_user_id: 'x'})})

  /** Starts `user create --file` on two rows, sends SIGINT `afterMs` after the first create (or with `afterToken`, the token request) arrived. */
  async function interrupt(extra, {afterMs = 300, afterToken = false} = {}) {
    creates = []
    tokens = 0
    const f = file('ctrl-c.csv', 'external_user_id,market\ncc-1,GB\ncc-2,GB\n')
    const child = spawn(process.execPath, [BIN, 'user', 'create', '--file', f, '--concurrency', '2', ...extra], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const closed = new Promise((resolve) => child.on('close', (code) => resolve(code)))
    while ((afterToken ? tokens : creates.length) === 0) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, afterMs))
    const sent = creates.length
    const at = performance.now()
    child.kill('SIGINT')
    const code = await closed
    return {code, stdout, stderr, ms: performance.now() - at, sentAfter: creates.length - sent}
  }

  for (const [what, extra, reply, when] of [
    ['a 429 with Retry-After: 120 (every worker pauses)', [], () => ({status: 429, headers: {'retry-after': '120'}, body: '{"errorMessage":"slow down","errorCode":"rate_limited"}'})],
    ['a 503 with Retry-After: 60 (a retry waits)', [], () => ({status: 503, headers: {'retry-after': '60'}, body: '{"errorMessage":"busy","errorCode":"unavailable"}'})],
    // The token request took the first slot: each row's is 20 or 40 s away.
    ['--rate 0.05 (the next slot is 20 s away)', ['--rate', '0.05'], created, {afterToken: true}],
  ]) {
    test(`a wait longer than the grace period ends at once, and nothing more is sent: ${what}`, async () => {
      answer = reply
      delayMs = 0
      const r = await interrupt(extra, when)
      assert.equal(r.code, 130, r.stderr)
      assert.ok(r.ms < 3000, `exit came ${Math.round(r.ms)} ms after SIGINT`)
      assert.equal(r.sentAfter, 0, 'a request was sent after Ctrl-C')
      const rows = lines(r.stdout)
      assert.equal(rows.length, 2, r.stdout)
      assert.ok(rows.every((x) => x.status === 'failed' && x.error.code === 'interrupted'), r.stdout)
      assert.match(r.stderr, /^Interrupted: 2 rows in /m)
      assert.match(r.stderr, /re-run with the same --journal to settle them/)
    })
  }

  test('Ctrl-C while the first client token waits out a 503\'s Retry-After: exit 130 at once, saying no row was sent', async () => {
    tokenAnswer = {status: 503, headers: {'retry-after': '60'}, body: '{"errorMessage":"busy","errorCode":"unavailable"}'}
    try {
      const r = await interrupt([], {afterToken: true})
      assert.equal(r.code, 130, r.stderr)
      assert.ok(r.ms < 3000, `exit came ${Math.round(r.ms)} ms after SIGINT`)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^Error: Interrupted while getting the client token: no row was sent$/m)
      assert.equal(creates.length, 0)
    } finally {
      tokenAnswer = undefined
    }
  })

  test('a request already sent gets the grace period: its answer comes back and the row is settled', async () => {
    answer = created
    delayMs = 1500
    const r = await interrupt([], {afterMs: 200})
    assert.equal(r.code, 130, r.stderr)
    assert.ok(r.ms >= 1000, `exit came ${Math.round(r.ms)} ms after SIGINT, before the answer`)
    assert.deepEqual(lines(r.stdout).map((x) => x.status), ['created', 'created'])
    assert.match(r.stderr, /^Interrupted: 2 rows in .*: 2 created/m)
  })
})
