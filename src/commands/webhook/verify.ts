import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {webhookSecretBaseFlags, webhookSecretFlags} from '../../lib/cli/flags.js'
import {webhookSecret} from '../../lib/cli/webhook.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {readPayload, verifyDelivery, type WebhookValid} from '../../lib/services/webhook/verify.js'

export default class WebhookVerify extends command({
  flags: {
    signature: Flags.string({description: 'The X-Tink-Signature header value, e.g. t=1620198421,v1=3808bca3...', required: true}),
    payload: Flags.string({description: 'File with the request body exactly as received; - reads standard input.', required: true}),
    ...webhookSecretFlags,
  },
  baseFlags: webhookSecretBaseFlags,
  needs: {keychain: true},
}) {
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

  protected async main(f: Factory): Promise<Outcome<WebhookValid>> {
    const {flags} = this
    if (flags.payload === '-' && flags['secret-stdin'])
      throw usageError('--payload - and --secret-stdin both read standard input', 'Put the payload in a file, or give the secret with TINK_WEBHOOK_SECRET')
    const {secret, origin} = await webhookSecret(f, flags)
    f.print.trace(`* webhook secret from ${origin}`)
    const body = flags.payload === '-' ? Buffer.from(await f.stdin.text('the payload')) : await readPayload(flags.payload)
    const valid = verifyDelivery({signature: flags.signature, body, secret, maxAgeS: flags['max-age'], now: Math.floor(Date.now() / 1000)})
    f.print.out(`Valid signature${typeof valid.event === 'string' ? ` for a ${valid.event} event` : ''}, signed at ${valid.signedAt}`)
    return {result: valid}
  }
}
