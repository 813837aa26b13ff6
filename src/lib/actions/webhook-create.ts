/** `tink webhook create`: subscribe a URL to Tink events; the secret is shown once, or saved in the profile's keychain. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {CliError, ExitCode, toCliError, usageError} from '../errors/cli-error.js'
import {accounts, KeytarStore} from '../secrets/keychain.js'
import {withoutSecret, type WebhookEndpoint} from '../webhook/endpoints.js'
import {parseEvents} from '../webhook/events.js'
import {checkWebhookUrl, endpoints, EVENTS_HELP, formatEndpoint, savedSecrets} from './webhook-common.js'

export const webhookCreateFlags = {
  url: Flags.string({
    description: 'Where Tink delivers the events: an https:// URL (Tink accepts https only; http:// on loopback works with the local emulator).',
    required: true,
  }),
  events: Flags.string({description: EVENTS_HELP, multiple: true, required: true}),
  description: Flags.string({description: 'What the webhook is for (shown by webhook list).'}),
  disabled: Flags.boolean({description: 'Create it disabled: nothing is delivered until webhook update ID --enable.'}),
  save: Flags.boolean({description: "Save the secret in the profile's keychain under the webhook id (for webhook verify and listen) instead of printing it."}),
}

type Created = WebhookEndpoint & {savedSecret?: {profile: string; where: string}}

export async function webhookCreate(f: Factory, flags: CommandFlags<typeof webhookCreateFlags>): Promise<Outcome<Created>> {
  const url = checkWebhookUrl(flags.url)
  const enabledEvents = parseEvents(flags.events)
  const saved = flags.save ? savedSecrets(f) : undefined
  if (flags.save && !saved)
    throw usageError(
      '--save needs a profile to keep the secret in',
      'Name one with --profile (tink profile list), or leave --save out and store the printed secret yourself',
    )
  const service = await endpoints(f)
  // A keychain that cannot save must be found out before Tink hands out a secret it shows only once.
  const store = f.profile()?.secretStore
  if (saved && store instanceof KeytarStore) await store.checkWritable(accounts.probe(saved.profile), 'save the webhook secret in the keychain')

  const created = await service.create({url, enabledEvents, description: flags.description, disabled: flags.disabled ? true : undefined})
  const secret = created.secret
  if (typeof secret !== 'string' || !secret)
    throw new CliError(`Tink created webhook ${created.id} but returned no secret`, {
      exitCode: ExitCode.UNAVAILABLE,
      code: 'invalid_response',
      hint: `Delete it with tink webhook delete ${created.id} and create it again`,
    })

  if (saved) {
    try {
      await saved.save(created.id, secret)
    } catch (err) {
      // The one chance to see it: print it rather than lose it, and end with the keychain's exit code.
      f.print.warnLine(`Tink created webhook ${created.id}, but its secret could not be saved: ${toCliError(err).oneLine()}`)
      f.print.out(`${formatEndpoint(created)}\nsecret:      ${secret}`)
      f.print.note('This secret is not shown again (Tink returns it only at creation): store it now.')
      return {result: created, exitCode: toCliError(err).exitCode}
    }
    f.print.out(formatEndpoint(created))
    f.print.note(`Saved the webhook secret in the ${saved.where} (profile ${saved.profile}, webhook ${created.id}); webhook verify and listen use it.`)
    return {result: {...withoutSecret(created), savedSecret: {profile: saved.profile, where: saved.where}}}
  }
  f.print.out(`${formatEndpoint(created)}\nsecret:      ${secret}`)
  f.print.note('This secret is not shown again (Tink returns it only at creation): store it now, or create with --save next time.')
  return {result: created}
}
