// Helpers for the tests of the emulator's OAuth and user endpoints (oauth-token, grants, users,
// protocol, faults, state-file): their paths, two more apps, and calls that hand back the whole
// response, so a test can check an error against Tink's error shape (assertTinkError).
import assert from 'node:assert/strict'

import {ALL_SCOPES, BUILTIN_CLIENT} from '../../dist/index.js'
import {call as httpCall, clientToken, creds} from './http.js'

export {clientToken, creds}

export const T0 = Date.parse('2025-03-01T12:00:00Z')
export const TOKEN = '/api/v1/oauth/token'
export const GRANT = '/api/v1/oauth/authorization-grant'
export const DELEGATE = `${GRANT}/delegate`
export const CREATE = '/api/v1/user/create'
export const DELETE = '/api/v1/user/delete'
export const TINK_LINK = 'df05e4b379934cd09963197cc855bfe9'
export const LIMITED = {id: 'limited-app', secret: 'limited-secret', scopes: ['user:create', 'authorization:grant', 'accounts:read']}
export const OTHER = {id: 'other-app', secret: 'other-secret', scopes: [...ALL_SCOPES]}

/** One HTTP call (POST unless told): every Tink endpoint the emulator serves here is a POST. */
export const call = (emu, path, opts = {}) => httpCall(emu, path, {method: 'POST', ...opts})

/** The whole answer of user/create, whatever its status. */
export async function createUser(emu, token, body = {}, headers = {}) {
  return call(emu, CREATE, {token, json: {market: 'GB', locale: 'en_US', ...body}, headers})
}

export async function grantCode(emu, token, form) {
  const r = await call(emu, GRANT, {token, form})
  assert.equal(r.status, 200, r.text)
  return r.data.code
}

/** The whole token answer (access_token, refresh_token, scope, id_hint) for a user named by `userForm`. */
export async function userToken(emu, ct, userForm, scope, c = BUILTIN_CLIENT) {
  const code = await grantCode(emu, ct, {...userForm, scope})
  const r = await call(emu, TOKEN, {form: {...creds(c), grant_type: 'authorization_code', code}})
  assert.equal(r.status, 200, r.text)
  return r.data
}

export function assertTinkError(r, status, code) {
  assert.equal(r.status, status, r.text)
  assert.match(r.headers['content-type'], /application\/json/)
  assert.equal(typeof r.data?.errorMessage, 'string', r.text)
  assert.ok(r.data.errorMessage.length > 0)
  if (code) assert.equal(r.data.errorCode, code, r.text)
  else assert.equal(typeof r.data.errorCode, 'string')
}
