/**
 * POST /__emulator/events (emulator-only, like the rest of /__emulator/): emits a Tink event for a
 * user, as if it had happened, to the app's subscribed endpoints. Body (JSON):
 * {"event": "refresh:finished", "userId": "..." | "externalUserId": "...", "clientId"?: "...", "data"?: {...}}.
 * `data` is merged over a sample content built from the user's connection. Answers 202 with
 * {"event","userId","endpoints"}: how many endpoints the delivery was queued for.
 */
import type {IncomingMessage} from 'node:http'

import {err, type Reply} from '../context.js'
import type {Store, UserRecord} from '../state.js'
import {isTinkEvent, TINK_EVENTS} from '../tables/events.js'
import {sampleContent} from '../webhook-events.js'

export interface EventRequest {
  user: UserRecord
  event: string
  content: Record<string, unknown>
}

export interface EventAdmin {
  readonly store: Store
  now(): number
  emitEvent(req: EventRequest): number
}

const bad = (message: string): Reply => err(400, 'invalid_event_request', message)

export function adminEvent(admin: EventAdmin, req: IncomingMessage, text: string): Reply {
  if (req.method !== 'POST') return err(405, 'method_not_allowed', 'Use POST for /__emulator/events', {allow: 'POST'})
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return bad('The body must be JSON: {"event", "userId" or "externalUserId", "data"?}')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return bad('The body must be a JSON object')
  const {event, userId, externalUserId, clientId, data} = body as Record<string, unknown>
  if (!isTinkEvent(event)) return bad(`Unknown event ${JSON.stringify(event)}; Tink's events are ${TINK_EVENTS.join(', ')}`)
  if ((userId === undefined) === (externalUserId === undefined)) return bad('Give exactly one of userId and externalUserId')
  if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data))) return bad('data must be a JSON object (the event content)')
  if (clientId !== undefined && typeof clientId !== 'string') return bad('clientId must be a string')
  let user: UserRecord | undefined
  if (typeof userId === 'string') {
    user = admin.store.getUser(userId)
    if (user && clientId !== undefined && user.client_id !== clientId) user = undefined
  } else if (typeof externalUserId === 'string') {
    // External ids are unique per app only: several apps may have the same one.
    const matches = admin.store.liveUsers().filter((u) => u.external_user_id === externalUserId && (clientId === undefined || u.client_id === clientId))
    if (matches.length > 1)
      return err(409, 'ambiguous_user', `${matches.length} apps have a user with external id ${JSON.stringify(externalUserId)}; give clientId or userId`)
    user = matches[0]
  } else return bad('userId or externalUserId must be a string')
  if (!user) return err(404, 'user_not_found', `No user ${JSON.stringify(userId ?? externalUserId)}${clientId === undefined ? '' : ` of client ${clientId}`}`)
  const content = {...sampleContent(event, user, admin.store.userData.get(user.user_id), admin.now()), ...(data as Record<string, unknown> | undefined)}
  const endpoints = admin.emitEvent({user, event, content})
  return {status: 202, body: JSON.stringify({event, userId: user.user_id, endpoints})}
}
