import {webhookVerify, webhookVerifyFlags} from '../../lib/actions/webhook-verify.js'
import {secretBaseFlags} from '../../lib/actions/webhook-common.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class WebhookVerify extends commandOf(webhookVerify, {flags: webhookVerifyFlags, baseFlags: secretBaseFlags, needs: {keychain: true}}) {
  static override summary = "Check a delivery's X-Tink-Signature against its body."
  static override description = `Recomputes the HMAC-SHA256 of t + "." + body with the webhook's secret and compares it with v1 in constant time; other keys in the header are ignored, and a timestamp older than --max-age seconds is refused, as Tink's signature page describes.
The secret comes from --secret-stdin, TINK_WEBHOOK_SECRET, or the one saved with webhook create --save (--webhook-id picks one of several).
Exit codes: 0 valid, 11 not valid (one line says why: bad signature, stale, or malformed header), 2 bad input or no secret.`

  static override examples = [
    {
      description: 'Check a delivery saved to a file; the secret from TINK_WEBHOOK_SECRET',
      command: '<%= config.bin %> <%= command.id %> --signature "$SIGNATURE" --payload body.json',
    },
    {
      description: "Tink's worked example from its signature page (signed in 2021: no age limit), the body on stdin",
      command:
        "<%= config.bin %> <%= command.id %> --signature 't=1620198421,v1=3808bca389150582fd78bdb5e3dfcf46f99ff168d37d60cdc13da7c5e49abefb' --payload - --max-age 0 < body.json",
    },
  ]
}
