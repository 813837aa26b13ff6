import {webhookListen, webhookListenFlags} from '../../lib/actions/webhook-listen.js'
import {secretBaseFlags} from '../../lib/actions/webhook-common.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookListen extends commandOf(webhookListen, {flags: webhookListenFlags, baseFlags: secretBaseFlags, needs: {keychain: true}}) {
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
}
