// The emulator's state file: users kept across a restart, debounced writes, and a corrupt file
// refused with its name and left as it was. Real HTTP over 127.0.0.1.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, writeFileSync, readFileSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startEmulator} from '../dist/index.js'
import {GRANT, assertTinkError, call, clientToken, createUser} from './support/api.js'

describe('emulator: state file', () => {
  test('users survive close + start with the same file; no temp files left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tink-emu-'))
    const file = join(dir, 'nested', 'state.json')
    let emu = await startEmulator({stateFile: file})
    const ct = await clientToken(emu)
    const u = await createUser(emu, ct, {external_user_id: 'persisted', market: 'NL', locale: 'nl_NL'})
    await emu.close()
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['state.json'])
    emu = await startEmulator({stateFile: file})
    try {
      const again = emu.users().find((x) => x.external_user_id === 'persisted')
      assert.equal(again.user_id, u.data.user_id)
      assert.equal(again.market, 'NL')
      const ct2 = await clientToken(emu)
      assertTinkError(await createUser(emu, ct2, {external_user_id: 'persisted'}), 409)
      assert.equal((await call(emu, GRANT, {token: ct2, form: {external_user_id: 'persisted', scope: 'accounts:read'}})).status, 200)
    } finally {
      await emu.close()
    }
  })

  test('writes are debounced but land without close()', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tink-emu-')), 'state.json')
    const emu = await startEmulator({stateFile: file})
    try {
      const ct = await clientToken(emu)
      await createUser(emu, ct, {external_user_id: 'debounced'})
      await new Promise((r) => setTimeout(r, 300))
      assert.match(readFileSync(file, 'utf8'), /debounced/)
    } finally {
      await emu.close()
    }
  })

  test('a corrupt state file -> clear error naming the file; the file is left untouched', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tink-emu-')), 'state.json')
    writeFileSync(file, '{"users": [ broken')
    await assert.rejects(startEmulator({stateFile: file}), (e) => e.message.includes(file) && /corrupt/.test(e.message))
    assert.equal(readFileSync(file, 'utf8'), '{"users": [ broken')
    writeFileSync(file, '{"something": "else"}')
    await assert.rejects(startEmulator({stateFile: file}), (e) => e.message.includes(file))
  })
})
