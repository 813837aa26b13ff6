/** `tink webhook listen`: the local receiver (webhook/listener.ts) run until the signal stops it, and each delivery as a line or an NDJSON record. */
import {startListener, type Delivery, type ListenerOptions} from '../../webhook/listener.js'

export interface WebhookListenOptions extends ListenerOptions {
  /** Ctrl-C or SIGTERM: the receiver closes. */
  signal: AbortSignal
  /** The receiver is up at `url` (with port 0, the port it got). */
  onListening: (url: string) => void
}

/** Receives deliveries until `signal` aborts; resolves with how many were received. */
export async function listenUntilStopped(o: WebhookListenOptions): Promise<number> {
  const {signal, onListening, ...options} = o
  const listener = await startListener(options)
  onListening(listener.url)
  if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, {once: true}))
  await listener.close()
  return listener.count
}

/** A delivery as one NDJSON record (--json). */
export function deliveryRecord(d: Delivery): Record<string, unknown> {
  const {receivedAt, event, verified, context, content, reason, status, forward} = d
  return {
    receivedAt,
    event: event ?? null,
    verified,
    ...(reason ? {reason} : {}),
    context: context ?? null,
    content: content ?? null,
    status,
    ...(forward ? {forward} : {}),
  }
}

/** A delivery as one line for people: when, the event, verified or why not, the user, the app's answer, the status sent back. */
export function deliveryLine(d: Delivery): string {
  const event = typeof d.event === 'string' ? d.event : '(no event)'
  const ctx = d.context && typeof d.context === 'object' ? (d.context as Record<string, unknown>) : {}
  const user =
    typeof ctx.externalUserId === 'string' ? ` external_user_id=${ctx.externalUserId}` : typeof ctx.userId === 'string' ? ` user_id=${ctx.userId}` : ''
  if (!d.verified) return `${d.receivedAt}  ${event}  REJECTED (${d.message})  -> ${d.status}`
  const app = d.forward ? (d.forward.error ? `  app unreachable (${d.forward.error})` : `  app ${d.forward.status}`) : ''
  return `${d.receivedAt}  ${event}  verified${user}${app}  -> ${d.status}`
}
