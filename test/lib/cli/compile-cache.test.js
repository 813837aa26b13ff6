// The V8 code cache of the bundle (src/lib/cli/compile-cache.cts): it must make later runs cheaper and
// never change what a run does, whatever state the cache file is in.
import assert from 'node:assert/strict'
import {chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {buildIdOf, cacheKey} from '../../../dist/lib/cli/compile-cache.cjs'
import {ROOT, runCli, runProcess, tempDir} from '../../helpers.js'

describe('compile cache', () => {
  test('one file per topic or command, help, and everything else', () => {
    const words = ['token', 'user', 'login']
    assert.equal(cacheKey(['token', 'get'], words), 'token')
    assert.equal(cacheKey(['login'], words), 'login')
    assert.equal(cacheKey([], words), 'help')
    assert.equal(cacheKey(['--help'], words), 'help')
    assert.equal(cacheKey(['tokn'], words), 'other', 'a typo gets no file of its own')
    assert.equal(cacheKey(['../x'], words), 'other')
  })

  test('the first run writes a private file, later runs reuse it unchanged, and a damaged file changes nothing', async () => {
    const cacheHome = tempDir('tink-cc-')
    const env = {XDG_CACHE_HOME: cacheHome, TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y', TINK_API_URL: 'http://127.0.0.1:9'}
    const dir = join(cacheHome, 'tink-auth-cli', 'v8-compile-cache')
    const args = ['user', 'create', '-e', 'u1', '--market', 'GB', '--retries', '0']
    const first = await runCli(args, {env})
    const list = await runCli(['profile', 'list'], {env})
    assert.equal(list.code, 0, list.stderr)
    const files = readdirSync(dir).sort()
    for (const f of files) assert.match(f, /^node-v[\d.]+-\w+-[0-9a-f]{16}-[a-z-]+\.cache$/)
    // The bundle's file per command line (named with the V8 flags bin/run.cjs set: user create
    // always sends, so on Node 20 it runs with --liftoff-only), and one per chunk the run loaded (undici).
    const user = process.versions.node.startsWith('20.') ? 'user-liftoff' : 'user'
    assert.deepEqual(files.map((f) => f.replace(/^node-v[\d.]+-\w+-[0-9a-f]{16}-/, '')), ['profile.cache', `${user}-undici.cache`, `${user}.cache`])
    for (const f of files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f)

    const stamp = () => files.map((f) => statSync(join(dir, f)).mtimeMs)
    const before = stamp()
    const again = await runCli(args, {env})
    await runCli(['profile', 'list'], {env})
    assert.deepEqual(stamp(), before, 'nothing rewritten')
    assert.equal(again.code, first.code)
    assert.equal(again.stderr, first.stderr, 'same output from the cache')

    for (const f of files) writeFileSync(join(dir, f), 'not a cache')
    const damaged = await runCli(args, {env})
    assert.equal(damaged.code, first.code)
    assert.equal(damaged.stderr, first.stderr)
    // Said with --verbose, and rebuilt: the next run uses the new file without a word.
    writeFileSync(join(dir, files.find((f) => f.endsWith('-profile.cache'))), 'not a cache either')
    const told = await runCli(['profile', 'list', '--verbose'], {env})
    assert.equal(told.code, 0, told.stderr)
    assert.match(told.stderr, /^\* code cache: .*-profile\.cache does not fit this build; rebuilding it$/m)
    const quiet = await runCli(['profile', 'list', '--verbose'], {env})
    assert.doesNotMatch(quiet.stderr, /code cache/)
    const off = await runCli(args, {env: {...env, TINK_NO_COMPILE_CACHE: '1'}})
    assert.equal(off.stderr, first.stderr)
  })

  // Node 20.18, the oldest Node tink supports, cannot require() an ES module; Node 20.19+ can,
  // so on the Node that runs this suite only the flag shows a slip (an ES module required by the
  // entry or the compile cache made every command but --version fail on 20.18).
  test('the entry and the compile cache load on a Node without require() of ES modules (Node 20.18)', async () => {
    const env = {XDG_CACHE_HOME: tempDir('tink-cc-esm-'), NODE_OPTIONS: '--no-experimental-require-module', TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y', TINK_API_URL: 'http://127.0.0.1:9'}
    for (let run = 1; run <= 2; run++) {
      // The first run writes the cache files, the second reads them.
      const help = await runCli(['--help'], {env})
      assert.equal(help.code, 0, help.stderr)
      assert.match(help.stdout, /COMMANDS/)
      const sent = await runCli(['user', 'create', '-e', 'u1', '--market', 'GB', '--retries', '0'], {env})
      assert.equal(sent.code, 5, sent.stderr)
      assert.match(sent.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/)
      assert.doesNotMatch(help.stderr + sent.stderr, /ERR_REQUIRE_ESM/)
    }
  })
})

// Issue 23, section 1: the cache folder may be where someone else put something first (a link
// planted under a shared TINK_CACHE_DIR, a CI cache restored from another branch, a folder of
// another user). tink then compiles without a cache, says so once with --verbose, and deletes
// nothing that is not provably its own.
describe('compile cache: a cache folder tink cannot prove its own is not used, and nothing else is deleted', () => {
  /** A folder of someone's precious files, some named exactly like cache files of another build. */
  function victim() {
    const dir = tempDir('tink-cc-victim-')
    const files = {
      id_rsa: 'PRIVATE KEY',
      'notes.txt': 'keep me',
      [`node-${process.version}-${process.arch}-0123456789abcdef-help.cache`]: 'looks like a cache file',
      [`node-${process.version}-${process.arch}-0123456789abcdef-token.cache`]: 'so does this',
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    return {dir, intact: () => Object.entries(files).every(([name, text]) => existsSync(join(dir, name)) && readFileSync(join(dir, name), 'utf8') === text)}
  }
  const cacheEnv = (cacheHome) => ({XDG_CACHE_HOME: cacheHome})

  const cases = [
    ['a symbolic link to another folder', (dir, v) => symlinkSync(v.dir, dir), /is a symbolic link/],
    ['a link to a folder that does not exist yet', (dir) => symlinkSync(join(tempDir('tink-cc-gone-'), 'later'), dir), /is a symbolic link/],
    ['a folder with mode 755', (dir, v) => {
      mkdirSync(dir, {mode: 0o755})
      chmodSync(dir, 0o755)
      for (const f of readdirSync(v.dir)) writeFileSync(join(dir, f), readFileSync(join(v.dir, f)))
    }, /mode is 755, not 700/],
    ['a file', (dir) => writeFileSync(dir, 'not a folder'), /not a folder/],
  ]
  if (process.getuid?.() === 0) {
    cases.push(['a folder of another user', (dir, v) => {
      mkdirSync(dir, {mode: 0o700})
      for (const f of readdirSync(v.dir)) writeFileSync(join(dir, f), readFileSync(join(v.dir, f)))
      chownSync(dir, 65534, 65534)
    }, /belongs to another user/])
  }
  for (const [what, plant, why] of cases) {
    test(`the cache folder is ${what}: --help works, --verbose says so once, nothing is deleted or written there`, async () => {
      const cacheHome = tempDir('tink-cc-planted-')
      mkdirSync(join(cacheHome, 'tink-auth-cli'), {recursive: true, mode: 0o700})
      const v = victim()
      const dir = ccDir(cacheHome)
      plant(dir, v)
      const before = existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).sort() : undefined
      for (let run = 0; run < 2; run++) {
        const help = await runCli(['--help'], {env: cacheEnv(cacheHome)})
        assert.equal(help.code, 0, help.stderr)
        assert.match(help.stdout, /COMMANDS/)
        assert.equal(help.stderr, '', 'nothing said without --verbose')
        const list = await runCli(['profile', 'list', '--verbose'], {env: cacheEnv(cacheHome)})
        assert.equal(list.code, 0, list.stderr)
        const said = list.stderr.split('\n').filter((l) => l.startsWith('* code cache:'))
        assert.equal(said.length, 1, list.stderr)
        assert.match(said[0], why)
        assert.ok(said[0].includes(dir), 'names the folder')
      }
      assert.ok(v.intact(), 'every file of the folder the link points at is there, unchanged')
      if (before) assert.deepEqual(readdirSync(dir).sort(), before, 'nothing written to or deleted from the refused folder')
    })
  }

  if (process.getuid?.() === 0) {
    // TINK_CACHE_DIR under /tmp: another user may have made it first, or a link in its place.
    for (const [what, plant, why] of [
      ['a folder another user made, open to all', (cacheDir) => {
        mkdirSync(cacheDir, {mode: 0o777})
        chmodSync(cacheDir, 0o777)
        chownSync(cacheDir, 65534, 65534)
      }, /its parent .* belongs to another user/],
      ['a link another user made', (cacheDir, v) => {
        symlinkSync(v.dir, cacheDir)
        lchownSync(cacheDir, 65534, 65534)
      }, /its parent .* is a symbolic link another user made/],
      ['a folder of this user that others may write to', (cacheDir) => {
        mkdirSync(cacheDir, {mode: 0o777})
        chmodSync(cacheDir, 0o777)
      }, /its parent .* is writable by other users/],
    ]) {
      test(`TINK_CACHE_DIR is ${what}: not used, said once with --verbose, nothing deleted`, async () => {
        const cacheDir = join(tempDir('tink-cc-shared-'), 'tink-cache')
        const v = victim()
        plant(cacheDir, v)
        const env = {TINK_CACHE_DIR: cacheDir}
        assert.equal((await runCli(['--help'], {env})).code, 0)
        const list = await runCli(['profile', 'list', '-v'], {env})
        assert.equal(list.code, 0, list.stderr)
        const said = list.stderr.split('\n').filter((l) => l.startsWith('* code cache:'))
        assert.equal(said.length, 1, list.stderr)
        assert.match(said[0], why)
        assert.ok(v.intact())
        assert.equal(existsSync(join(cacheDir, 'v8-compile-cache')), false, 'nothing made there')
      })
    }
  }

  test('in its own folder, tink deletes only regular files with its name pattern: never a link, another name, or a folder', async () => {
    const cacheHome = tempDir('tink-cc-own-')
    const dir = ccDir(cacheHome)
    mkdirSync(dir, {recursive: true, mode: 0o700})
    const v = victim()
    const stale = `node-${process.version}-${process.arch}-fedcba9876543210-help.cache`
    writeFileSync(join(dir, stale), 'an old build')
    const linkName = `node-${process.version}-${process.arch}-fedcba9876543210-user.cache`
    symlinkSync(join(v.dir, 'id_rsa'), join(dir, linkName))
    writeFileSync(join(dir, 'README'), 'not tink')
    mkdirSync(join(dir, `node-${process.version}-${process.arch}-fedcba9876543210-x.cache`))
    const help = await runCli(['--help'], {env: cacheEnv(cacheHome)})
    assert.equal(help.code, 0, help.stderr)
    const names = readdirSync(dir)
    assert.ok(!names.includes(stale), 'the old build\'s file went')
    assert.ok(names.includes(linkName) && names.includes('README'), names.join(' '))
    assert.ok(v.intact())
    assert.ok(names.some((n) => /-help\.cache$/.test(n) && n !== stale), 'this build wrote its own file')
  })
})

describe('compile cache: keyed by content', () => {
  test('the build appends one build id to the bundle and every chunk', () => {
    const id = buildIdOf(readFileSync(join(ROOT, 'dist', 'tink.cjs'), 'latin1'))
    assert.match(id ?? '', /^[0-9a-f]{16}$/)
    for (const f of readdirSync(join(ROOT, 'dist', 'chunks')).filter((n) => n.endsWith('.cjs'))) {
      assert.equal(buildIdOf(readFileSync(join(ROOT, 'dist', 'chunks', f), 'latin1')), id, f)
    }
  })

  // Two builds of the same size and modification time (fixed-mtime tarballs, reproducible
  // images, a patch release changing one constant) each run their own code.
  test('two builds of equal size and mtime never run each other\'s cached code', async () => {
    const dir = tempDir('tink-cc-builds-')
    const cacheHome = tempDir('tink-cc-builds-cache-')
    const bundle = join(dir, 'tink.cjs')
    writeFileSync(join(dir, 'commands.json'), '["token"]\n')
    const cc = join(ROOT, 'dist', 'lib', 'cli', 'compile-cache.cjs')
    const script = `const m = require(${JSON.stringify(cc)}).requireCached(${JSON.stringify(bundle)}, ['token'], process.env); process.stdout.write(String(m.answer()))`
    const run = () => runProcess(process.execPath, ['-e', script], {env: {PATH: process.env.PATH, XDG_CACHE_HOME: cacheHome}})
    const build = (n, id) => {
      writeFileSync(bundle, `exports.answer = function () { return ${n} }\n//# tinkBuildId=${id}\n`)
      utimesSync(bundle, 1_000_000, 1_000_000)
    }
    build(111, 'aaaaaaaaaaaaaaaa')
    assert.equal((await run()).stdout, '111')
    assert.equal((await run()).stdout, '111', 'from its cache')
    build(222, 'bbbbbbbbbbbbbbbb')
    assert.equal((await run()).stdout, '222', 'the second build runs its own code')
    assert.equal((await run()).stdout, '222')
    const files = readdirSync(ccDir(cacheHome))
    assert.ok(files.every((f) => f.includes('-bbbbbbbbbbbbbbbb-')), `the first build's file went: ${files}`)
  })

  test('a file without a build id is compiled without a cache', async () => {
    const dir = tempDir('tink-cc-noid-')
    const cacheHome = tempDir('tink-cc-noid-cache-')
    const bundle = join(dir, 'tink.cjs')
    writeFileSync(join(dir, 'commands.json'), '[]\n')
    writeFileSync(bundle, 'exports.answer = function () { return 7 }\n')
    const cc = join(ROOT, 'dist', 'lib', 'cli', 'compile-cache.cjs')
    const r = await runProcess(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(cc)}).requireCached(${JSON.stringify(bundle)}, ['x'], process.env).answer()))`], {env: {PATH: process.env.PATH, XDG_CACHE_HOME: cacheHome}})
    assert.equal(r.stdout, '7', r.stderr)
    assert.deepEqual(readdirSync(ccDir(cacheHome)), [])
  })
})

function ccDir(cacheHome) {
  return join(cacheHome, 'tink-auth-cli', 'v8-compile-cache')
}
