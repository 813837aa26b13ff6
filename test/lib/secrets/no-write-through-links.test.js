// Without a keychain, no write through a symbolic link where tink keeps a file (config.json,
// secrets.json, their lock files): refused by name, the link's target untouched; a --journal
// link is refused where tink would create the file, and followed to an earlier journal.
import assert from 'node:assert/strict'
import {chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {runCli, tempDir} from '../../helpers.js'
import {CLIENT, emulatorForSuite, NO_KEYCHAIN, RUN} from '../../support/no-keychain.js'

describe('without a keychain', () => {
  const emu = emulatorForSuite()

  // Issue 23: config.json replaced by a link made tink overwrite the link's target and chmod it.
  describe('no write through a link where tink keeps a file', () => {
    const TARGET_TEXT = JSON.stringify({profiles: {}}) + '\n'
    /** A folder whose `name` is a link to a file elsewhere (missing: a dangling link). */
    function planted(name, {missing = false, text = TARGET_TEXT, config} = {}) {
      const dir = tempDir()
      const elsewhere = join(tempDir(), 'precious')
      if (!missing) {
        writeFileSync(elsewhere, text)
        chmodSync(elsewhere, 0o644)
      }
      if (config !== undefined) writeFileSync(join(dir, 'config.json'), config)
      symlinkSync(elsewhere, join(dir, name))
      const intact = () => (missing ? !existsSync(elsewhere) : readFileSync(elsewhere, 'utf8') === text && (statSync(elsewhere).mode & 0o777) === 0o644)
      return {dir, link: join(dir, name), intact}
    }
    const refused = (r, path) => {
      assert.equal(r.code, 2, r.stderr)
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('Warning: secrets are in a plain file'))
      assert.equal(lines.length, 1, r.stderr)
      assert.ok(lines[0].startsWith('Error: '), r.stderr)
      assert.ok(lines[0].includes(`${path} is a symbolic link`), r.stderr)
    }
    const PROFILE = JSON.stringify({active: 'p', profiles: {p: {clientId: 'c', storage: 'file', baseUrl: 'http://127.0.0.1:9'}}})
    const add = ['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify']

    for (const missing of [false, true]) {
      const how = missing ? 'a dangling link' : 'a link to a file'
      test(`config.json is ${how}: profile add, login, use, set, remove refuse it by name and change nothing`, async () => {
        const p = planted('config.json', {missing, text: PROFILE})
        for (const args of [add, ['login', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'], ['profile', 'use', 'p'], ['profile', 'set', 'p', 'market', 'SE'], ['profile', 'remove', 'p', '--yes']]) {
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
          if (missing && args[1] !== 'add' && args[0] !== 'login') {
            assert.notEqual(r.code, 0, r.stderr) // no such profile: nothing to change
          } else {
            refused(r, p.link)
          }
          assert.ok(p.intact(), `tink ${args.join(' ')} left the link's target as it was`)
          assert.ok(lstatSync(p.link).isSymbolicLink())
          assert.equal(existsSync(join(p.dir, 'secrets.json')), false, 'no secret stored')
        }
      })

      test(`secrets.json is ${how}: saving a secret is refused by name, the target untouched`, async () => {
        const p = planted('secrets.json', {missing, text: '{}\n'})
        const r = await runCli(add, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
        refused(r, p.link)
        assert.ok(p.intact())
        assert.equal(existsSync(join(p.dir, 'config.json')), false, 'no profile saved')
      })

      test(`the lock file is ${how}: refused by name, never deleted or taken over`, async () => {
        for (const lock of ['config.json.lock', 'secrets.json.lock']) {
          const p = planted(lock, {missing, text: '12345\n', config: lock === 'secrets.json.lock' ? PROFILE : undefined})
          const args = lock === 'secrets.json.lock' ? ['profile', 'add', 'n', '--client-id', 'c', '--client-secret-stdin', '--insecure-storage', '--no-verify'] : add
          const r = await runCli(args, {env: {TINK_CONFIG_DIR: p.dir, ...NO_KEYCHAIN}, input: 's'})
          refused(r, p.link)
          assert.ok(p.intact(), lock)
          assert.ok(lstatSync(p.link).isSymbolicLink(), 'the link is still there')
        }
      })
    }

    test('--journal: a link to a missing or empty file is refused (tink would create it); a link to an earlier journal is followed', async () => {
      const dir = tempDir()
      const csv = join(dir, 'users.csv')
      writeFileSync(csv, `external_user_id,market\nlink-${RUN}-1,GB\n`)
      const env = {TINK_API_URL: emu.url, TINK_CLIENT_ID: CLIENT.id, TINK_CLIENT_SECRET: CLIENT.secret, TINK_CONFIG_DIR: join(dir, 'cfg')}
      for (const [what, make] of [['missing', () => undefined], ['empty', (t) => writeFileSync(t, '')]]) {
        const target = join(dir, `target-${what}`)
        make(target)
        const link = join(dir, `journal-${what}`)
        symlinkSync(target, link)
        const r = await runCli(['user', 'create', '--file', csv, '--journal', link], {env})
        assert.equal(r.code, 2, r.stderr)
        assert.ok(r.stderr.includes(`--journal ${link}`) && /symbolic link/.test(r.stderr), r.stderr)
        assert.equal(existsSync(target) ? readFileSync(target, 'utf8') : undefined, what === 'missing' ? undefined : '', 'nothing written through the link')
      }
      const real = join(dir, 'real.journal')
      const first = await runCli(['user', 'create', '--file', csv, '--journal', real], {env})
      assert.equal(first.code, 0, first.stderr)
      mkdirSync(join(dir, 'links'))
      symlinkSync(real, join(dir, 'links', 'j'))
      const again = await runCli(['user', 'create', '--file', csv, '--journal', join(dir, 'links', 'j')], {env})
      assert.equal(again.code, 0, again.stderr)
    })
  })
})
