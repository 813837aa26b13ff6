// The V8 code cache of the bundle (src/lib/cli/compile-cache.cts): it must make later runs cheaper and
// never change what a run does, whatever state the cache file is in.
import assert from 'node:assert/strict'
import {readdirSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {cacheKey} from '../dist/lib/cli/compile-cache.cjs'
import {runCli, tempDir} from './helpers.js'

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
    for (const f of files) assert.match(f, /^node-v[\d.]+-\w+-[0-9a-z]+-[0-9a-z]+-[a-z-]+\.cache$/)
    // The bundle's file per command line (named with the V8 flags bin/run.cjs set: user create
    // always sends, so on Node 20 it runs with --liftoff-only), and one per chunk the run loaded (undici).
    const user = process.versions.node.startsWith('20.') ? 'user-liftoff' : 'user'
    assert.deepEqual(files.map((f) => f.replace(/^node-v[\d.]+-\w+-[0-9a-z]+-[0-9a-z]+-/, '')), ['profile.cache', `${user}-undici.cache`, `${user}.cache`])
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
