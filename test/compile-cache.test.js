// The V8 code cache for installed packages (src/lib/compile-cache.ts): it must make later runs
// cheaper and never change what a run does, whatever state the cache file is in.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {mayImportDynamically} from '../dist/lib/compile-cache.cjs'
import {runCli, tempDir} from './helpers.js'

describe('compile cache', () => {
  test('files that call import() are left to Node; JSDoc type imports are not calls', () => {
    assert.equal(mayImportDynamically('const x = 1\n'), false)
    assert.equal(mayImportDynamically('/**\n * @param {import("node:stream").Duplex} socket\n */\nfunction f (socket) {}\n'), false)
    assert.equal(mayImportDynamically('// import("x") later\nmodule.exports = 1\n'), false)
    assert.equal(mayImportDynamically('async function load () {\n  return import("x")\n}\n'), true)
    assert.equal(mayImportDynamically('f() // then import("y")\n'), true, 'code before a comment counts')
    assert.equal(mayImportDynamically('/* lazy */ const m = await import("z")\n'), true, 'code after a closed comment counts')
    assert.equal(mayImportDynamically('const m = import /* webpackChunk */ ("z")\n'), true)
    // oclif loads command files with import(): compiling it through vm.Script would break every command.
    assert.equal(mayImportDynamically(readFileSync(new URL('../node_modules/@oclif/core/lib/module-loader.js', import.meta.url), 'utf8')), true)
  })

  test('the first runs write one private blob per install and path, later runs reuse it unchanged, and a damaged blob changes nothing', async () => {
    const cacheHome = tempDir('tink-cc-')
    const env = {XDG_CACHE_HOME: cacheHome, TINK_CLIENT_ID: 'x', TINK_CLIENT_SECRET: 'y', TINK_API_URL: 'http://127.0.0.1:9'}
    const dir = join(cacheHome, 'tink-auth-cli', 'v8-compile-cache')
    const fastRun = ['user', 'create', '-e', 'u1', '--market', 'GB', '--retries', '0']
    const first = await runCli(fastRun, {env})
    const help = await runCli(['profile', 'list'], {env})
    assert.equal(help.code, 0, help.stderr)
    const blobs = readdirSync(dir).sort()
    assert.equal(blobs.length, 2, blobs.join(' '))
    assert.match(blobs[0], /^node-v[\d.]+-\w+-v8-[\w.-]+-[0-9a-f]{12}-fast\.cache$/)
    assert.match(blobs[1], /-[0-9a-f]{12}-oclif\.cache$/)
    for (const b of blobs) assert.equal(statSync(join(dir, b)).mode & 0o777, 0o600, b)

    const stamp = () => blobs.map((b) => statSync(join(dir, b)).mtimeMs)
    const before = stamp()
    const again = await runCli(fastRun, {env})
    await runCli(['profile', 'list'], {env})
    assert.deepEqual(stamp(), before, 'nothing new compiled, nothing rewritten')
    assert.equal(again.code, first.code)
    assert.equal(again.stderr, first.stderr, 'same output from the cache')

    for (const b of blobs) writeFileSync(join(dir, b), 'not a cache')
    const damaged = await runCli(fastRun, {env})
    assert.equal(damaged.code, first.code)
    assert.equal(damaged.stderr, first.stderr)
    const off = await runCli(fastRun, {env: {...env, TINK_NO_COMPILE_CACHE: '1'}})
    assert.equal(off.stderr, first.stderr)
  })
})
