// The package as users get it: `npm pack`, then `npm install -g` of the tarball into a temporary
// prefix, twice in parallel: once as usual, once on a machine that cannot build native modules
// (no Python, make or compiler on PATH), where keytar's build really fails and npm drops the
// optional dependency. Then the installed `tink`, from its own folder, against a live emulator.
// Also the Node.js floor: `engines`, and bin/run.cjs's one-line refusal on an older Node.
// Cost: one pack and two installs from the npm cache (about 5-10 s on a 2-core machine).
import assert from 'node:assert/strict'
import {execFile, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {before, describe, test} from 'node:test'
import {promisify} from 'node:util'
import {BIN, cleanEnv, ROOT, runProcess, tempDir} from '../helpers.js'

const run = promisify(execFile)
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

describe('the Node.js floor', () => {
  const floor = pkg.engines.node.replace(/^>=\s*/, '')

  test('engines.node is the floor bin/run.cjs checks, and bin/run.cjs parses as plain script', () => {
    assert.match(pkg.engines.node, /^>=\d+\.\d+\.\d+$/)
    assert.ok(readFileSync(BIN, 'utf8').includes(`Node.js ${floor} or newer`), `bin/run.cjs names ${floor}`)
    const check = spawnSync(process.execPath, ['--check', BIN], {encoding: 'utf8'})
    assert.equal(check.status, 0, check.stderr)
  })

  /** bin/run.cjs with `tink --version`, as if running on Node `version`. */
  function runAs(version) {
    const code = `Object.defineProperty(process.versions, 'node', {value: ${JSON.stringify(version)}})
      Object.defineProperty(process, 'version', {value: 'v' + ${JSON.stringify(version)}})
      process.argv = [process.execPath, ${JSON.stringify(BIN)}, '--version']
      import(${JSON.stringify(BIN)})`
    return spawnSync(process.execPath, ['-e', code], {encoding: 'utf8', env: cleanEnv()})
  }

  for (const old of ['18.19.0', '20.18.0', '16.20.2']) {
    test(`on Node ${old}: one line saying what is needed, exit 1`, () => {
      const r = runAs(old)
      assert.equal(r.status, 1)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, `tink needs Node.js ${floor} or newer; this is v${old}. Install a current Node.js LTS and try again.\n`)
    })
  }

  test(`on Node ${floor} itself it starts`, () => {
    const r = runAs(floor)
    assert.equal(r.status, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^tink-auth-cli/${pkg.version.replaceAll('.', '\\.')} `))
  })
})

describe('npm pack and npm install -g', () => {
  const work = tempDir('tink-pack-')
  let tarball
  let files
  const prefix = {usual: join(work, 'usual'), nobuild: join(work, 'nobuild')}
  const installLog = {}
  let installMs

  before(async () => {
    // --ignore-scripts: npm test has just built dist; prepack would rebuild it under the tests running beside this one.
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {cwd: ROOT, maxBuffer: 16 << 20})
    const info = JSON.parse(packed.stdout)[0]
    tarball = join(work, info.filename)
    files = info.files.map((f) => f.path)

    // A PATH with everything but Python, make and C/C++ compilers: node-gyp cannot build keytar.
    const bare = join(work, 'path-without-build-tools')
    mkdirSync(bare)
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (!existsSync(dir)) continue
      for (const name of readdirSync(dir)) {
        if (/^(python.*|make|gmake|g\+\+.*|gcc.*|c\+\+.*|cc|clang.*|.*-linux-gnu-.*)$/.test(name) || existsSync(join(bare, name))) continue
        symlinkSync(join(dir, name), join(bare, name))
      }
    }
    const started = Date.now()
    const install = async (where, path) => {
      const env = {...process.env, PATH: path}
      const r = await run('npm', ['install', '-g', '--prefix', where, tarball, '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts'], {
        cwd: work,
        env,
        maxBuffer: 64 << 20,
      })
      return r.stdout + r.stderr
    }
    ;[installLog.usual, installLog.nobuild] = await Promise.all([install(prefix.usual, process.env.PATH), install(prefix.nobuild, bare)])
    installMs = Date.now() - started
  })

  test('the tarball holds only what runs: bin, dist, manifest, README, LICENSE, CHANGELOG, package.json', () => {
    const allowed = /^(bin\/run\.cjs|dist\/.+\.c?js|dist\/commands\.json|dist\/command-needs\.json|dist\/completion\/tink\.(bash|zsh)|oclif\.manifest\.json|README\.md|LICENSE|CHANGELOG\.md|package\.json)$/
    const extra = files.filter((f) => !allowed.test(f))
    assert.deepEqual(extra, [], 'nothing else (no src, test, spec, scripts, maps or type declarations)')
    for (const needed of ['bin/run.cjs', 'dist/command-needs.json', 'oclif.manifest.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json', 'dist/commands/token/get.js', 'dist/hooks/command-not-found.js']) {
      assert.ok(files.includes(needed), needed)
    }
    // The emulator package is bundled into dist/tink.cjs at build time (`tink emulator start` needs
    // nothing published): neither its sources nor a dependency on it ship.
    assert.deepEqual(files.filter((f) => /^dist\/emulator\/|^packages\//.test(f)), [])
    assert.equal(pkg.dependencies['tink-emulator'], undefined)
    // The manifest must match the package version, or oclif ignores it (slow start, warnings).
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    assert.equal(manifest.version, pkg.version)
    // The bundle every command runs from is in the tarball, and so is each of tink's own command
    // files (help is @oclif/plugin-help's, inside the bundle).
    assert.ok(files.includes('dist/tink.cjs'), 'dist/tink.cjs')
    for (const c of Object.values(manifest.commands)) if (c.id !== 'help') assert.ok(files.includes(`dist/commands/${c.id.replaceAll(':', '/')}.js`), c.id)
  })

  /** Runs the installed `tink` from outside the checkout, with a clean env and its own config. */
  function tink(which, args, {env = {}, input} = {}) {
    const home = join(work, `home-${which}`)
    mkdirSync(home, {recursive: true})
    return runProcess('tink', args, {
      cwd: home,
      env: cleanEnv({PATH: `${join(prefix[which], 'bin')}${delimiter}${process.env.PATH}`, XDG_CACHE_HOME: join(home, 'cache'), ...env}),
      input,
      label: `installed tink ${args.join(' ')}`,
    })
  }

  /** `tink emulator start --port 0 --json` from the installed copy; resolves its start line and a stop(). */
  function startInstalledEmulator(which) {
    return new Promise((resolve, reject) => {
      const child = spawn(join(prefix[which], 'bin', 'tink'), ['emulator', 'start', '--port', '0', '--json', '--quiet'], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']})
      let out = ''
      let err = ''
      const exited = new Promise((r) => child.on('close', (code, signal) => r({code, signal, out, err})))
      child.stderr.setEncoding('utf8').on('data', (d) => (err += d))
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d
        if (!out.includes('\n')) return
        const info = JSON.parse(out.split('\n')[0])
        resolve({
          info,
          stop: () => {
            child.kill('SIGTERM')
            return exited
          },
        })
      })
      exited.then(({code}) => reject(new Error(`emulator exited ${code} before its start line: ${err}`)))
    })
  }

  test('the usual install: tink on PATH answers --version, --help, and a real flow against its own emulator', async (t) => {
    t.diagnostic(`npm pack + two parallel npm install -g: ${installMs} ms`)
    assert.ok(existsSync(join(prefix.usual, 'bin', 'tink')), installLog.usual)
    const version = await tink('usual', ['--version'])
    assert.equal(version.code, 0, version.stderr)
    assert.match(version.stdout, new RegExp(`^tink-auth-cli/${pkg.version.replaceAll('.', '\\.')} \\S+ node-v`))
    assert.equal(version.stderr, '', 'no warning (e.g. a manifest that does not match)')
    const help = await tink('usual', ['--help'])
    assert.equal(help.code, 0)
    for (const topic of ['token', 'grant', 'user', 'emulator', 'completion']) assert.match(help.stdout, new RegExp(`^  ${topic}\\s`, 'm'))
    // The completion scripts are built files of the tarball, found from the installed bundle.
    const completion = await tink('usual', ['completion', 'bash'])
    assert.equal(completion.code, 0, completion.stderr)
    assert.match(completion.stdout, /^complete -F _tink tink$/m)

    const emu = await startInstalledEmulator('usual')
    assert.match(emu.info.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const env = {TINK_API_URL: emu.info.url, TINK_CLIENT_ID: emu.info.clientId, TINK_CLIENT_SECRET: emu.info.clientSecret}
    const created = await tink('usual', ['user', 'create', '--external-user-id', 'installed-1', '--market', 'GB', '--json'], {env})
    assert.equal(created.code, 0, created.stderr)
    assert.match(JSON.parse(created.stdout).user_id, /^[0-9a-f]{32}$/)
    const link = await tink('usual', ['grant', 'delegate', '--external-user-id', 'installed-1', '--id-hint', 'Jane', '--redirect-uri', 'https://example.com/cb'], {env})
    assert.equal(link.code, 0, link.stderr)
    assert.match(link.stdout, /^https:\/\/link\.tink\.com\/1\.0\/transactions\/connect-accounts\?.*code=[0-9a-f]{32}/)
    const stopped = await emu.stop()
    assert.equal(stopped.code, 0, `the emulator stops cleanly on SIGTERM: ${stopped.err}`)
  })

  test('where keytar cannot build: the install still succeeds, env credentials work, keychain commands say why not', async () => {
    assert.match(installLog.nobuild, /Could not find any Python|gyp ERR/, 'the native build was attempted and failed')
    assert.ok(existsSync(join(prefix.nobuild, 'bin', 'tink')))
    assert.ok(!existsSync(join(prefix.nobuild, 'lib', 'node_modules', 'tink-auth-cli', 'node_modules', 'keytar')), 'npm dropped the optional keytar')

    const emu = await startInstalledEmulator('nobuild')
    try {
      const env = {TINK_API_URL: emu.info.url, TINK_CLIENT_ID: emu.info.clientId, TINK_CLIENT_SECRET: emu.info.clientSecret}
      const token = await tink('nobuild', ['token', 'get', '--scope', 'user:create', '--raw'], {env})
      assert.equal(token.code, 0, token.stderr)
      assert.match(token.stdout, /^\S+\n$/)
      assert.equal(token.stderr, '', 'env credentials need no keychain and get no keychain warning')

      // Saving a profile needs the keychain: one line with the cause and the two ways on.
      const add = await tink('nobuild', ['profile', 'add', 'eu', '--client-id', emu.info.clientId, '--client-secret-stdin', '--base-url', emu.info.url], {input: emu.info.clientSecret})
      assert.equal(add.code, 3)
      const lines = add.stderr.trim().split('\n')
      assert.equal(lines.length, 1, add.stderr)
      assert.match(lines[0], /keychain is unavailable: keytar .*not installed or did not build/)
      assert.match(lines[0], /TINK_CLIENT_SECRET/)
      assert.match(lines[0], /--insecure-storage/)

      // The way on it names works.
      const insecure = await tink('nobuild', ['profile', 'add', 'eu', '--client-id', emu.info.clientId, '--client-secret-stdin', '--base-url', emu.info.url, '--insecure-storage'], {input: emu.info.clientSecret})
      assert.equal(insecure.code, 0, insecure.stderr)
    } finally {
      await emu.stop()
    }
  })
})
