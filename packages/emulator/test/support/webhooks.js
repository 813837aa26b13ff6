// The setup the webhook tests share (webhook-endpoints, webhook-deliveries, webhook-events): one
// emulator that retries deliveries after 20 ms and one receiver for each test file, Tink's signature
// check written independently of the emulator, and calls that make endpoints and fire events.
import {before, after} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac, timingSafeEqual} from 'node:crypto'

import {startEmulator} from '../../dist/index.js'
import {OTHER} from './api.js'
import {call, clientToken} from './http.js'
import {startReceiver} from './receiver.js'

export {OTHER}

export const HOOKS = '/events/v2/webhook-endpoints'
const NARROW = {id: 'narrow-app', secret: 'narrow-secret', scopes: ['user:create']}

/** Tink's documented check, written independently of the emulator: HMAC-SHA256(secret, t + "." + raw body), hex. */
export function verify(secret, header, body) {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=')))
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex')
  return /^\d+$/.test(parts.t) && parts.v1?.length === expected.length && timingSafeEqual(Buffer.from(parts.v1), Buffer.from(expected))
}

// Set by useWebhookEmulator's `before` hook; importers see them through ES module live bindings.
export let emu
export let ct
export let rx

/** Starts the emulator (`emu`, with a client token `ct`) and the receiver (`rx`) before the file's tests; stops them after. */
export function useWebhookEmulator() {
  before(async () => {
    emu = await startEmulator({seed: 3, clients: [OTHER, NARROW], webhookRetryMs: 20})
    ct = await clientToken(emu)
    rx = await startReceiver()
  })
  after(async () => {
    await emu.close()
    await rx.close()
  })
}

export async function hook(body, token = ct) {
  return call(emu, HOOKS, {method: 'POST', token, json: body})
}

export async function fresh(url, enabledEvents, extra = {}) {
  const r = await hook({url, enabledEvents, ...extra})
  assert.equal(r.status, 200, r.text)
  return r.data
}

export async function reset() {
  for (const e of (await call(emu, `${HOOKS}?pageSize=100`, {token: ct})).data.webhookEndpoints) await call(emu, `${HOOKS}/${e.id}`, {method: 'DELETE', token: ct})
  rx.got.length = 0
  rx.answers.length = 0
  emu.deliveries.length = 0
}

export const trigger = (body) => call(emu, '/__emulator/events', {method: 'POST', json: body})
export const settle = () => new Promise((resolve) => setTimeout(resolve, 300))
