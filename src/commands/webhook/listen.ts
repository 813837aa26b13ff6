import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {webhookSecretBaseFlags, webhookSecretFlags} from '../../lib/cli/flags.js'
import {webhookSecret} from '../../lib/cli/webhook.js'
import {ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {deliveryLine, deliveryRecord, listenUntilStopped} from '../../lib/services/webhook/listen.js'

export default class WebhookListen extends command({
  flags: {
    port: Flags.integer({description: 'Port to listen on (0: any free port, printed at start).', required: true, min: 0, max: 65535}),
    host: Flags.string({description: 'Address to listen on. Default: loopback only; a tunnel on this machine reaches it there.', default: '127.0.0.1'}),
    path: Flags.string({description: 'Serve this path only (404 elsewhere). Default: any path.'}),
    'forward-to': Flags.string({
      description: "Pass each verified delivery (raw body and headers) to this URL and answer with its status, so Tink's retries reach your app.",
    }),
    ...webhookSecretFlags,
  },
  baseFlags: webhookSecretBaseFlags,
  needs: {keychain: true},
}) {
  static override summary = 'Receive webhook deliveries locally, verify them, and forward them to your app.'
  static override description = `A local receiver (loopback by default: point the local emulator at it, or your own tunnel for the live Tink). Each delivery's X-Tink-Signature is checked with the webhook's secret (--secret-stdin, TINK_WEBHOOK_SECRET, or the one saved with webhook create --save): one that does not verify is answered 412 and not forwarded. A verified one is passed on with --forward-to (raw body and headers) and the app's status is the answer, so Tink's retries on 408, 429 and 5xx reach the app; without --forward-to the answer is 200.
One line per delivery on stdout; with --json one JSON object per line (receivedAt, event, verified, context, content, status, forward).
Exit codes: 130 stopped with Ctrl-C (or SIGTERM), with the count of deliveries received on stderr; 5 the port is in use or cannot be listened on; 2 bad input or no secret.`

  static override examples = [
    {
      description: 'Verify and forward to an app on port 3000',
      command: '<%= config.bin %> <%= command.id %> --port 8788 --path /hook --forward-to http://localhost:3000/webhooks/tink',
    },
    {description: 'Only watch, as NDJSON', command: '<%= config.bin %> <%= command.id %> --port 8788 --json'},
  ]

  protected async main(f: Factory): Promise<Outcome<never>> {
    const {flags} = this
    const forwardTo = flags['forward-to']
    if (flags.path !== undefined && !flags.path.startsWith('/')) throw usageError(`--path "${flags.path}" does not start with /`, 'e.g. --path /hook')
    if (forwardTo !== undefined) checkForwardUrl(forwardTo)
    const {secret, origin} = await webhookSecret(f, flags)
    const count = await listenUntilStopped({
      host: flags.host,
      port: flags.port,
      path: flags.path,
      secret,
      maxAgeS: flags['max-age'],
      forwardTo,
      signal: f.signal,
      onDelivery: (d) => (f.json ? f.io.stdout.write(JSON.stringify(deliveryRecord(d)) + '\n') : f.print.out(deliveryLine(d))),
      onListening: (url) => f.print.note(`Listening on ${url} (secret from ${origin})${forwardTo ? `, forwarding to ${forwardTo}` : ''}; Ctrl-C stops`),
    })
    f.print.note(`Stopped: ${count} ${count === 1 ? 'event' : 'events'} received`)
    return {exitCode: ExitCode.INTERRUPTED}
  }
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
