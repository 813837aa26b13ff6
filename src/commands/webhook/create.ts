import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {EVENTS_HELP} from '../../lib/cli/flags.js'
import {checkWebhookUrl, savedSecrets} from '../../lib/cli/webhook.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {formatEndpoint, webhookEndpoints} from '../../lib/services/webhook/common.js'
import {createWebhook} from '../../lib/services/webhook/create.js'
import {withoutSecret, type WebhookEndpoint} from '../../lib/webhook/endpoints.js'
import {parseEvents} from '../../lib/webhook/events.js'

type Created = WebhookEndpoint & {savedSecret?: {profile: string; where: string}}

export default class WebhookCreate extends command({
  flags: {
    url: Flags.string({
      description: 'Where Tink delivers the events: an https:// URL (Tink accepts https only; http:// on loopback works with the local emulator).',
      required: true,
    }),
    events: Flags.string({description: EVENTS_HELP, multiple: true, required: true}),
    description: Flags.string({description: 'What the webhook is for (shown by webhook list).'}),
    disabled: Flags.boolean({description: 'Create it disabled: nothing is delivered until webhook update ID --enable.'}),
    save: Flags.boolean({
      description: "Save the secret in the profile's keychain under the webhook id (for webhook verify and listen) instead of printing it.",
    }),
  },
  needs: {request: 'always', keychain: true},
}) {
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

  protected async main(f: Factory): Promise<Outcome<Created>> {
    const {flags} = this
    const url = checkWebhookUrl(flags.url)
    const enabledEvents = parseEvents(flags.events)
    const secrets = flags.save ? savedSecrets(f) : undefined
    if (flags.save && !secrets)
      throw usageError(
        '--save needs a profile to keep the secret in',
        'Name one with --profile (tink profile list), or leave --save out and store the printed secret yourself',
      )
    await f.run.preflight({needsCredentials: true})
    const endpoints = webhookEndpoints(await f.api())
    const {endpoint, secret, saved, saveFailure} = await createWebhook(
      {endpoints, saveIn: secrets && {secrets, store: f.profile()?.secretStore}},
      {url, enabledEvents, description: flags.description, disabled: flags.disabled ? true : undefined},
    )
    if (saveFailure) {
      // The one chance to see it: print it rather than lose it, and end with the keychain's exit code.
      f.print.warnLine(`Tink created webhook ${endpoint.id}, but its secret could not be saved: ${saveFailure.oneLine()}`)
      f.print.out(`${formatEndpoint(endpoint)}\nsecret:      ${secret}`)
      f.print.note('This secret is not shown again (Tink returns it only at creation): store it now.')
      return {result: endpoint, exitCode: saveFailure.exitCode}
    }
    if (saved) {
      f.print.out(formatEndpoint(endpoint))
      f.print.note(`Saved the webhook secret in the ${saved.where} (profile ${saved.profile}, webhook ${endpoint.id}); webhook verify and listen use it.`)
      return {result: {...withoutSecret(endpoint), savedSecret: saved}}
    }
    f.print.out(`${formatEndpoint(endpoint)}\nsecret:      ${secret}`)
    f.print.note('This secret is not shown again (Tink returns it only at creation): store it now, or create with --save next time.')
    return {result: endpoint}
  }
}
