// Small HTTP helpers shared by the emulator's Link and data tests: real requests over 127.0.0.1.
import assert from 'node:assert/strict'
import {request} from 'undici'

import {BUILTIN_CLIENT, TINK_LINK_CLIENT_ID} from '../../dist/index.js'

/** One HTTP call; the body is always consumed so keep-alive sockets are released. */
export async function call(emu, path, {method = 'GET', form, json, body, headers = {}, token} = {}) {
  const h = {...headers}
  if (form !== undefined) {
    body = new URLSearchParams(form).toString()
    h['content-type'] ??= 'application/x-www-form-urlencoded'
  }
  if (json !== undefined) {
    body = JSON.stringify(json)
    h['content-type'] ??= 'application/json'
  }
  if (token) h.authorization = `Bearer ${token}`
  const res = await request(emu.url + path, {method, body, headers: h})
  const text = await res.body.text()
  let data
  try {
    data = JSON.parse(text)
  } catch {
    // not JSON: data stays undefined
  }
  return {status: res.statusCode, headers: res.headers, text, data}
}

export const creds = (c = BUILTIN_CLIENT) => ({client_id: c.id, client_secret: c.secret})

export async function clientToken(emu, c = BUILTIN_CLIENT, scope) {
  const r = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {...creds(c), grant_type: 'client_credentials', ...(scope ? {scope} : {})}})
  assert.equal(r.status, 200, r.text)
  return r.data.access_token
}

export async function createUser(emu, ct, body = {}) {
  const r = await call(emu, '/api/v1/user/create', {method: 'POST', token: ct, json: {market: 'GB', locale: 'en_GB', ...body}})
  assert.equal(r.status, 200, r.text)
  return r.data.user_id
}

/** A delegated code for Tink Link, as `tink grant delegate` mints it. */
export async function delegatedCode(emu, ct, userId, {actor = TINK_LINK_CLIENT_ID, idHint = 'Jane Doe'} = {}) {
  const r = await call(emu, '/api/v1/oauth/authorization-grant/delegate', {
    method: 'POST',
    token: ct,
    form: {user_id: userId, scope: 'authorization:read,credentials:read,credentials:write,user:read', id_hint: idHint, actor_client_id: actor},
  })
  assert.equal(r.status, 200, r.text)
  return r.data.code
}

/** A user token for `scope`: grant then exchange, Tink's own chain. */
export async function userToken(emu, ct, userId, scope, c = BUILTIN_CLIENT) {
  const g = await call(emu, '/api/v1/oauth/authorization-grant', {method: 'POST', token: ct, form: {user_id: userId, scope}})
  assert.equal(g.status, 200, g.text)
  const t = await call(emu, '/api/v1/oauth/token', {method: 'POST', form: {...creds(c), grant_type: 'authorization_code', code: g.data.code}})
  assert.equal(t.status, 200, t.text)
  return t.data.access_token
}

export function linkPath(flow, params) {
  return `/1.0/${flow}?${new URLSearchParams(params)}`
}

/** The page a browser would show, then the bank choice posted as the form would post it. */
export async function runLink(emu, flow, params, bank) {
  const path = linkPath(flow, params)
  const page = await call(emu, path)
  if (bank === undefined) return {page}
  const post = await call(emu, path, {method: 'POST', form: {bank}})
  return {page, post, location: post.headers.location, query: post.headers.location ? Object.fromEntries(new URL(post.headers.location).searchParams) : undefined}
}
