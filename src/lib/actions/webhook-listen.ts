/** `tink webhook listen`: a local receiver that verifies deliveries and forwards them to the user's app. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {ExitCode, usageError} from '../errors/cli-error.js'
import {startListener, type Delivery} from '../webhook/listener.js'
import {secretFlags, webhookSecret} from './webhook-common.js'

export const webhookListenFlags = {
  port: Flags.integer({description: 'Port to listen on (0: any free port, printed at start).', required: true, min: 0, max: 65535}),
  host: Flags.string({description: 'Address to listen on. Default: loopback only; a tunnel on this machine reaches it there.', default: '127.0.0.1'}),
  path: Flags.string({description: 'Serve this path only (404 elsewhere). Default: any path.'}),
  'forward-to': Flags.string({
    description: "Pass each verified delivery (raw body and headers) to this URL and answer with its status, so Tink's retries reach your app.",
  }),
  ...secretFlags,
}

export async function webhookListen(f: Factory, flags: CommandFlags<typeof webhookListenFlags>): Promise<Outcome<never>> {
  if (flags.path !== undefined && !flags.path.startsWith('/')) throw usageError(`--path "${flags.path}" does not start with /`, 'e.g. --path /hook')
  if (flags['forward-to'] !== undefined) checkForwardUrl(flags['forward-to'])
  const {secret, origin} = await webhookSecret(f, flags)
  const listener = await startListener({
    host: flags.host,
    port: flags.port,
    path: flags.path,
    secret,
    maxAgeS: flags['max-age'],
    forwardTo: flags['forward-to'],
    onDelivery: (d) => (f.json ? f.io.stdout.write(JSON.stringify(ndjson(d)) + '\n') : f.print.out(line(d))),
  })
  f.print.note(`Listening on ${listener.url} (secret from ${origin})${flags['forward-to'] ? `, forwarding to ${flags['forward-to']}` : ''}; Ctrl-C stops`)
  if (!f.signal.aborted) await new Promise((resolve) => f.signal.addEventListener('abort', resolve, {once: true}))
  await listener.close()
  f.print.note(`Stopped: ${listener.count} ${listener.count === 1 ? 'event' : 'events'} received`)
  return {exitCode: ExitCode.INTERRUPTED}
}

function checkForwardUrl(value: string): void {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw usageError(`--forward-to "${value}" is not an http:// or https:// URL`, 'e.g. --forward-to http://localhost:3000/webhooks/tink')
}

function ndjson(d: Delivery): Record<string, unknown> {
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

function line(d: Delivery): string {
  const event = typeof d.event === 'string' ? d.event : '(no event)'
  const ctx = d.context && typeof d.context === 'object' ? (d.context as Record<string, unknown>) : {}
  const user =
    typeof ctx.externalUserId === 'string' ? ` external_user_id=${ctx.externalUserId}` : typeof ctx.userId === 'string' ? ` user_id=${ctx.userId}` : ''
  if (!d.verified) return `${d.receivedAt}  ${event}  REJECTED (${d.message})  -> ${d.status}`
  const app = d.forward ? (d.forward.error ? `  app unreachable (${d.forward.error})` : `  app ${d.forward.status}`) : ''
  return `${d.receivedAt}  ${event}  verified${user}${app}  -> ${d.status}`
}
