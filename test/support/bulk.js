// Helpers of the bulk test files (bulk.test.js, bulk-input.test.js): input files, NDJSON rows,
// and the emulator's users.
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const CREATE = '/api/v1/user/create'
export const TOKEN = '/api/v1/oauth/token'
/** The faults of issue 5's proofs. */
export const FAULTS = '503=0.1,429=0.05,reset-after-commit=0.02,retry-after=0'

/** A CSV file of `n` users named `${prefix}${i}`. */
export function csv(n, prefix, {header = 'external_user_id,market,locale', row = (i) => `${prefix}${i},GB,en_US`} = {}) {
  const lines = [header]
  for (let i = 0; i < n; i++) lines.push(row(i))
  return lines.join('\n') + '\n'
}

/** writeFile(name, text) in `dir`, returning the path. */
export const fileWriter = (dir) => (name, text) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

export const lines = (stdout) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))

export function statuses(rows) {
  const out = {}
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1
  return out
}

/** The emulator's users of one test (by external id prefix), failing on any duplicate. */
export function usersWithPrefix(emu, prefix) {
  const users = emu.users().filter((u) => u.external_user_id?.startsWith(prefix))
  const ids = new Set(users.map((u) => u.external_user_id))
  assert.equal(ids.size, users.length, 'some external id exists twice')
  return users
}
