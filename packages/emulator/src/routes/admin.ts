/**
 * Emulator-only endpoints (not part of Tink), never faulted, limited or recorded:
 * GET /__emulator/health, GET /__emulator/users, GET /__emulator/stats,
 * POST /__emulator/faults (body: a fault spec), POST /__emulator/rate-limit (body: N or "off"),
 * GET /__emulator/deliveries (webhook delivery attempts), POST /__emulator/webhook-retry (body: the
 * first retry interval in ms). POST /__emulator/events is in admin-events.ts.
 */
import type {IncomingMessage} from 'node:http'

import {err, ok, type Reply} from '../context.js'
import {parseRateLimit} from '../rate-limit.js'

export interface Admin {
  users(): unknown[]
  setFaults(spec: string): void
  setRateLimit(perSecond: number | undefined): void
  stats(): unknown
  readonly deliveries: unknown[]
  setWebhookRetryMs(ms: number): void
}

const ALLOWED: Record<string, string> = {
  '/__emulator/users': 'GET',
  '/__emulator/health': 'GET',
  '/__emulator/stats': 'GET',
  '/__emulator/faults': 'POST',
  '/__emulator/rate-limit': 'POST',
  '/__emulator/deliveries': 'GET',
  '/__emulator/webhook-retry': 'POST',
}

export function adminReply(admin: Admin, req: IncomingMessage, path: string, body: string): Reply {
  const method = ALLOWED[path]
  if (!method) return err(404, 'not_found', `No such emulator endpoint: ${path}`)
  if (req.method !== method) return err(405, 'method_not_allowed', `Use ${method} for ${path}`, {allow: method})
  if (path === '/__emulator/health') return ok({ok: true})
  if (path === '/__emulator/users') return ok(admin.users())
  if (path === '/__emulator/stats') return ok(admin.stats())
  if (path === '/__emulator/deliveries') return ok(admin.deliveries)
  if (path === '/__emulator/webhook-retry') {
    const ms = Number(body.trim())
    if (body.trim() === '' || !Number.isInteger(ms) || ms < 0)
      return err(400, 'invalid_webhook_retry', `The body must be the first retry interval in whole milliseconds, 0 or more, got ${JSON.stringify(body)}`)
    admin.setWebhookRetryMs(ms)
    return {status: 204}
  }
  if (path === '/__emulator/rate-limit') {
    try {
      admin.setRateLimit(parseRateLimit(body))
    } catch (error) {
      return err(400, 'invalid_rate_limit', (error as Error).message)
    }
    return {status: 204}
  }
  try {
    admin.setFaults(body)
  } catch (error) {
    return err(400, 'invalid_fault_spec', (error as Error).message)
  }
  return {status: 204}
}
