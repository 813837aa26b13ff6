// The help replay cache (src/lib/help-cache.ts): a help invocation seen before prints, without
// loading oclif, exactly the bytes oclif printed for it; anything that could change those bytes
// makes it a miss; failures print help anyway. Each test has its own cache folder. Whether a run
// loaded oclif is read from the require cache at exit (test/support/load-spy.mjs), so a hit is
// told from a miss even when both print the same bytes.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, test} from 'node:test'
import {BIN, cleanEnv, ROOT, tempDir} from './helpers.js'

const SPY = pathToFileURL(join(ROOT, 'test', 'support', 'load-spy.mjs')).href
const CACHE_FILE = (world) => join(world.cache, 'tink-auth-cli', 'help-cache.json')
const HELP_CASES = [[], ['help'], ['token', '--help'], ['user', 'create', '--help'], ['-h'], ['help', 'user', 'create']]
const shown = (args) => `tink ${args.join(' ')}`.trimEnd()

/**
 * A private world: cache and config folders, and the load log. The environment must be the same
 * from run to run for a hit (it is part of the key), so it is built once here.
 */
function world(extra = {}) {
  const dir = tempDir('tink-help-cache-')
  const cache = join(dir, 'cache')
  const log = join(dir, 'loaded.json')
  const env = cleanEnv({
    XDG_CACHE_HOME: cache,
    TINK_CONFIG_DIR: join(dir, 'config'),
    NODE_OPTIONS: `--import ${SPY}`,
    TINK_TEST_LOAD_LOG: log,
    ...extra,
  })
  return {dir, cache, log, env}
}

/** Runs tink with stdout and stderr kept as bytes; `oclif` tells whether @oclif/core was loaded. */
function tink(w, args, {env = w.env, pty} = {}) {
  rmSync(w.log, {force: true})
  return new Promise((resolve, reject) => {
    let command = process.execPath
    let argv = [BIN, ...args]
    if (pty) {
      // util-linux `script`: a real terminal of the given size; stdout and stderr both go to it.
      const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
      command = 'script'
      argv = ['-qfec', `stty cols ${pty.columns} rows 40; exec ${quoted}`, '/dev/null']
    }
    const child = spawn(command, argv, {cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe']})
    const out = []
    const err = []
    child.stdout.on('data', (d) => out.push(d))
    child.stderr.on('data', (d) => err.push(d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${shown(args)} did not exit`))
    }, 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      let loaded
      try {
        loaded = JSON.parse(readFileSync(w.log, 'utf8'))
      } catch (error) {
        return reject(new Error(`${shown(args)}: no load log (${error.message}); stderr: ${Buffer.concat(err)}`))
      }
      resolve({
        code,
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('utf8'),
        oclif: loaded.some((f) => /[\\/]@oclif[\\/]core[\\/]lib[\\/]/.test(f)),
      })
    })
  })
}

function entries(w) {
  return existsSync(CACHE_FILE(w)) ? JSON.parse(readFileSync(CACHE_FILE(w), 'utf8')).entries : []
}

/** First run (through oclif, stored), second (replayed) and a run with the cache off: same bytes, exit 0. */
async function assertReplayed(w, args, options = {}) {
  const first = await tink(w, args, options)
  assert.equal(first.code, 0, first.stderr)
  assert.ok(first.oclif, 'the first run goes through oclif')
  const second = await tink(w, args, options)
  assert.equal(second.code, 0, second.stderr)
  assert.equal(second.oclif, false, 'the second run is answered from the cache, without oclif')
  const reference = await tink(w, args, {...options, env: {...(options.env ?? w.env), TINK_NO_HELP_CACHE: '1'}})
  assert.equal(reference.code, 0, reference.stderr)
  assert.ok(reference.oclif)
  assert.ok(reference.stdout.length > 100, 'some help was printed')
  assert.equal(second.stdout, reference.stdout, 'replayed bytes')
  assert.equal(first.stdout, reference.stdout, 'bytes of the recording run')
  if (!options.pty) {
    assert.equal(second.stderr, '')
    assert.equal(reference.stderr, '')
  }
  return reference
}

describe('a cached help invocation prints exactly what oclif prints', () => {
  for (const columns of ['40', '80', '200']) {
    for (const args of HELP_CASES) {
      test(`${shown(args)} (OCLIF_COLUMNS=${columns}, piped, no colour)`, async () => {
        const w = world({OCLIF_COLUMNS: columns})
        await assertReplayed(w, args)
        assert.equal(entries(w).length, 1)
      })
    }
  }

  for (const columns of [50, 132]) {
    for (const args of HELP_CASES) {
      test(`${shown(args)} on a ${columns}-column terminal, in colour`, async () => {
        // A person's terminal: no CI variable (oclif's colour detection turns colour off under CI).
        const w = world({NO_COLOR: undefined, CI: undefined, TERM: 'xterm-256color'})
        const reference = await assertReplayed(w, args, {pty: {columns}})
        assert.match(reference.stdout, /\x1b\[1m/, 'the terminal got colour')
      })
    }
  }

  test('the file: mode 0600, digests and output only', async () => {
    const w = world({TINK_CLIENT_SECRET: 'marker-secret-value', SOME_SETTING: 'marker-plain-value'})
    await assertReplayed(w, ['token', '--help'])
    assert.equal(statSync(CACHE_FILE(w)).mode & 0o777, 0o600)
    const text = readFileSync(CACHE_FILE(w), 'utf8')
    for (const value of ['marker-secret-value', 'marker-plain-value', w.dir]) assert.ok(!text.includes(value), `no ${value} in clear`)
    const doc = JSON.parse(text)
    assert.deepEqual(Object.keys(doc).sort(), ['entries', 'magic'])
    for (const e of doc.entries) {
      assert.deepEqual(Object.keys(e).sort(), ['key', 'out', 'sum'])
      assert.match(e.key, /^[0-9a-f]{64}$/)
    }
  })
})

describe('one invocation\'s entry is not used for another', () => {
  test('another OCLIF_COLUMNS', async () => {
    const w = world({OCLIF_COLUMNS: '40'})
    const narrow = await assertReplayed(w, ['--help'])
    const env = {...w.env, OCLIF_COLUMNS: '200'}
    const wide = await tink(w, ['--help'], {env})
    assert.ok(wide.oclif, 'a miss')
    assert.notEqual(wide.stdout, narrow.stdout)
    assert.equal((await tink(w, ['--help'], {env})).stdout, wide.stdout)
    assert.equal(entries(w).length, 2)
  })

  test('another terminal width', async () => {
    const w = world({NO_COLOR: undefined, TERM: 'xterm-256color'})
    const narrow = await assertReplayed(w, ['user', 'create', '--help'], {pty: {columns: 50}})
    const wide = await tink(w, ['user', 'create', '--help'], {pty: {columns: 132}})
    assert.ok(wide.oclif, 'a miss')
    assert.notEqual(wide.stdout, narrow.stdout)
  })

  test('a terminal instead of a pipe, with the same environment and width', async () => {
    const w = world()
    await assertReplayed(w, ['token', '--help'])
    const onTerminal = await tink(w, ['token', '--help'], {pty: {columns: 80}})
    assert.ok(onTerminal.oclif, 'a miss')
  })

  test('another environment: colour forced, or any other variable', async () => {
    const w = world()
    const plain = await assertReplayed(w, ['--help'])
    const coloured = await tink(w, ['--help'], {env: {...w.env, NO_COLOR: undefined, FORCE_COLOR: '1'}})
    assert.ok(coloured.oclif, 'a miss')
    assert.match(coloured.stdout, /\x1b\[/)
    assert.notEqual(coloured.stdout, plain.stdout)
    const other = await tink(w, ['--help'], {env: {...w.env, SOME_UNRELATED_SETTING: 'x'}})
    assert.ok(other.oclif, 'a miss')
    assert.equal(other.stdout, plain.stdout)
  })

  test('a secret-looking variable counts by presence, never by value', async () => {
    const w = world({TINK_CLIENT_SECRET: 'one'})
    await assertReplayed(w, ['--help'])
    assert.equal((await tink(w, ['--help'], {env: {...w.env, TINK_CLIENT_SECRET: 'two'}})).oclif, false, 'another value: a hit')
    assert.ok((await tink(w, ['--help'], {env: {...w.env, TINK_CLIENT_SECRET: undefined}})).oclif, 'unset: a miss')
  })

  test('other arguments', async () => {
    const w = world()
    await assertReplayed(w, ['token', '--help'])
    for (const args of [['token', '-h'], ['user', '--help'], ['token', 'get', '--help'], ['token', '--help', '--'], ['help', 'token']]) {
      const r = await tink(w, args)
      assert.equal(r.code, 0, r.stderr)
      assert.ok(r.oclif, `${shown(args)}: a miss`)
    }
  })

  test('a user theme.json in the config folder', async () => {
    const w = world({NO_COLOR: undefined, FORCE_COLOR: '1'})
    const before = await assertReplayed(w, ['token', 'get', '--help'])
    mkdirSync(w.env.TINK_CONFIG_DIR, {recursive: true})
    writeFileSync(join(w.env.TINK_CONFIG_DIR, 'theme.json'), JSON.stringify({bin: 'red', flag: '#00ff00'}))
    const themed = await tink(w, ['token', 'get', '--help'])
    assert.ok(themed.oclif, 'a miss')
    assert.notEqual(themed.stdout, before.stdout, 'the theme shows')
    const replayed = await tink(w, ['token', 'get', '--help'])
    assert.equal(replayed.oclif, false)
    assert.equal(replayed.stdout, themed.stdout)
    // An edit of the theme is a change too.
    writeFileSync(join(w.env.TINK_CONFIG_DIR, 'theme.json'), JSON.stringify({bin: 'blue', flag: '#00ff00'}))
    const edited = await tink(w, ['token', 'get', '--help'])
    assert.ok(edited.oclif, 'a miss')
    assert.notEqual(edited.stdout, themed.stdout)
  })

  test('the least recently written entries go first, 32 kept', async () => {
    const w = world()
    for (let columns = 40; columns < 73; columns++) {
      const r = await tink(w, ['-h'], {env: {...w.env, OCLIF_COLUMNS: String(columns)}})
      assert.equal(r.code, 0, r.stderr)
    }
    assert.equal(entries(w).length, 32)
    assert.ok((await tink(w, ['-h'], {env: {...w.env, OCLIF_COLUMNS: '40'}})).oclif, 'the oldest was dropped')
    assert.equal((await tink(w, ['-h'], {env: {...w.env, OCLIF_COLUMNS: '72'}})).oclif, false, 'the newest is kept')
  })
})

describe('runs that are not stored', () => {
  for (const args of [['help', 'tokn'], ['tokn', '--help'], ['--help', 'nosuch'], ['help', 'user', 'nosuch']]) {
    test(`${shown(args)}: an error, exit 2, never stored`, async () => {
      const w = world()
      for (let i = 0; i < 2; i++) {
        const r = await tink(w, args)
        assert.equal(r.code, 2, r.stderr)
        assert.equal(r.stdout, '')
        assert.match(r.stderr, /Error/)
        assert.ok(r.oclif)
      }
      assert.deepEqual(entries(w), [])
    })
  }

  test('a help run that also wrote to stderr (here a late warning) is not stored', async () => {
    const w = world()
    const late = join(w.dir, 'late-warning.mjs')
    writeFileSync(late, "setTimeout(() => process.emitWarning('late'), 400)\n")
    const env = {...w.env, NODE_OPTIONS: `${w.env.NODE_OPTIONS} --import ${pathToFileURL(late).href}`}
    for (let i = 0; i < 2; i++) {
      const r = await tink(w, ['--help'], {env})
      assert.equal(r.code, 0)
      assert.match(r.stderr, /Warning: late/)
      assert.ok(r.oclif)
    }
    assert.deepEqual(entries(w), [])
  })

  test('a run during which an input changed (here the theme, saved as the run ends) is not stored', async () => {
    const w = world()
    const saver = join(w.dir, 'save-theme-at-exit.mjs')
    writeFileSync(
      saver,
      "import {mkdirSync, writeFileSync} from 'node:fs'\n" +
        "process.on('exit', () => { mkdirSync(process.env.TINK_CONFIG_DIR, {recursive: true}); writeFileSync(process.env.TINK_CONFIG_DIR + '/theme.json', '{}') })\n",
    )
    const r = await tink(w, ['--help'], {env: {...w.env, NODE_OPTIONS: `${w.env.NODE_OPTIONS} --import ${pathToFileURL(saver).href}`}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(r.oclif)
    assert.deepEqual(entries(w), [])
  })

  test('commands that are not help, and runs with the cache off, with DEBUG or with a user plugin, store nothing', async () => {
    const w = world()
    const pluginDir = join(w.dir, 'data')
    mkdirSync(pluginDir)
    writeFileSync(join(pluginDir, 'package.json'), JSON.stringify({private: true, oclif: {plugins: []}}))
    const runs = [
      [['profile', 'list'], w.env],
      [['--help'], {...w.env, TINK_NO_HELP_CACHE: '1'}],
      [['--help'], {...w.env, DEBUG: 'nothing-that-matches'}],
      [['--help'], {...w.env, TINK_DATA_DIR: pluginDir}],
    ]
    for (const [args, env] of runs) {
      for (let i = 0; i < 2; i++) {
        const r = await tink(w, args, {env})
        assert.equal(r.code, 0, r.stderr)
        assert.ok(r.oclif, `${shown(args)} goes through oclif`)
      }
    }
    assert.equal(existsSync(CACHE_FILE(w)), false)
  })
})

describe('a damaged or unusable cache still gives the right help', () => {
  const damage = {
    'not JSON': () => 'garbage\x00\xff{{{',
    'another format': () => JSON.stringify({magic: 'something-else', entries: []}),
    'entries of the wrong shape': () => JSON.stringify({magic: 'tink-help-cache-1', entries: 'x'}),
    'an entry whose bytes were altered': (text) => {
      const doc = JSON.parse(text)
      for (const e of doc.entries) e.out = Buffer.from('forged help\n').toString('base64')
      return JSON.stringify(doc)
    },
    'an entry whose checksum was altered': (text) => {
      const doc = JSON.parse(text)
      for (const e of doc.entries) e.sum = '0'.repeat(64)
      return JSON.stringify(doc)
    },
  }
  for (const [what, corrupt] of Object.entries(damage)) {
    test(`${what}: a miss, correct help, then the file is repaired`, async () => {
      const w = world()
      const reference = await assertReplayed(w, ['token', '--help'])
      writeFileSync(CACHE_FILE(w), corrupt(readFileSync(CACHE_FILE(w), 'utf8')), {mode: 0o600})
      const r = await tink(w, ['token', '--help'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stderr, '')
      assert.ok(r.oclif, 'a miss')
      assert.equal(r.stdout, reference.stdout)
      const again = await tink(w, ['token', '--help'])
      assert.equal(again.oclif, false, 'stored again')
      assert.equal(again.stdout, reference.stdout)
    })
  }

  test('a file others may write is not trusted (and is replaced by a private one)', async () => {
    const w = world()
    const reference = await assertReplayed(w, ['--help'])
    chmodSync(CACHE_FILE(w), 0o666)
    const r = await tink(w, ['--help'])
    assert.ok(r.oclif, 'a miss')
    assert.equal(r.stdout, reference.stdout)
    assert.equal(statSync(CACHE_FILE(w)).mode & 0o777, 0o600)
    assert.equal((await tink(w, ['--help'])).oclif, false)
  })

  test('the cache file cannot be written (a folder is in its place)', async () => {
    const w = world()
    mkdirSync(CACHE_FILE(w), {recursive: true})
    const reference = await tink(w, ['--help'], {env: {...w.env, TINK_NO_HELP_CACHE: '1'}})
    for (let i = 0; i < 2; i++) {
      const r = await tink(w, ['--help'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stderr, '')
      assert.ok(r.oclif)
      assert.equal(r.stdout, reference.stdout)
    }
  })

  test('a FIFO in the file\'s place does not hang tink', async (t) => {
    const w = world()
    mkdirSync(join(w.cache, 'tink-auth-cli'), {recursive: true})
    if (spawnSync('mkfifo', [CACHE_FILE(w)]).status !== 0) return t.skip('no mkfifo here')
    const reference = await tink(w, ['--help'], {env: {...w.env, TINK_NO_HELP_CACHE: '1'}})
    const r = await tink(w, ['--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    assert.ok(r.oclif)
    assert.equal(r.stdout, reference.stdout)
  })

  test('the cache folder cannot be created (XDG_CACHE_HOME is a file)', async () => {
    const w = world()
    writeFileSync(w.cache, 'not a folder')
    const reference = await tink(w, ['user', 'create', '--help'], {env: {...w.env, TINK_NO_HELP_CACHE: '1'}})
    for (let i = 0; i < 2; i++) {
      const r = await tink(w, ['user', 'create', '--help'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stderr, '')
      assert.ok(r.oclif)
      assert.equal(r.stdout, reference.stdout)
    }
  })
})
