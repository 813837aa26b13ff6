import {webhookCreate, webhookCreateFlags} from '../../lib/actions/webhook-create.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookCreate extends commandOf(webhookCreate, {flags: webhookCreateFlags, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Subscribe a URL to Tink events (events v2 webhook endpoint).'
  static override description = `POST /events/v2/webhook-endpoints with a client token scoped webhook-endpoints. Tink accepts https:// URLs only (the local emulator also takes http:// on loopback); it may take up to 15 minutes before the first event arrives.
Tink returns the webhook's signing secret only in this answer: it is printed once on stdout (and in the --json document), or with --save kept in the profile's keychain under the webhook id, where webhook verify and webhook listen find it.
Exit codes: 0 created, 2 bad input (an unknown event name lists Tink's events), 3 credentials refused, or the keychain cannot save (checked before anything is created; should saving still fail afterwards, the secret is printed instead), 4 a webhook with this url and one of these events exists (HTTP 409), 5 Tink unavailable.`

  static override examples = [
    {
      description: 'Subscribe to refreshes and new accounts; the secret is printed once',
      command: '<%= config.bin %> <%= command.id %> --url https://example.com/tink-webhook --events refresh:finished,account:created',
    },
    {
      description: "Keep the secret in the profile's keychain instead",
      command:
        '<%= config.bin %> <%= command.id %> --url https://example.com/tink-webhook --events account:updated --description "prod app" --profile us-prod --save',
    },
  ]
}
