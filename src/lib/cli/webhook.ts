/**
 * What the `tink webhook` commands share on the command line: the ID argument of the commands on
 * one endpoint and its check, the check of --url, the profile's saved webhook secrets, and where
 * verify and listen find the secret (their flags are in flags.ts).
 */
import {Args} from '@oclif/core'
import {usageError} from '../errors/cli-error.js'
import {isLoopbackHost} from '../http/loopback.js'
import {noSecret, WebhookSecrets} from '../webhook/saved-secrets.js'
import type {CommandNeeds} from './command-needs.cjs'
import type {Factory} from './factory.js'
import {WEBHOOK_SECRET_ENV} from './flags.js'

/** The args and needs of `webhook get`, `update` and `delete`: one endpoint, by the ID argument, and a request every run. */
export const byWebhookId = {
  args: {id: Args.string({description: 'The webhook id (see tink webhook list).', required: true})},
  needs: {request: 'always', keychain: true} satisfies CommandNeeds,
}

/** The profile's saved webhook secrets, or undefined without a profile. */
export function savedSecrets(f: Factory): WebhookSecrets | undefined {
  const setup = f.profile()
  if (!setup?.profile || !setup.secretStore) return undefined
  return new WebhookSecrets(setup.secretStore, setup.profile.name)
}

/** --secret-stdin > --webhook-id (saved) > TINK_WEBHOOK_SECRET > the one saved secret of the profile. */
export async function webhookSecret(f: Factory, flags: {'secret-stdin'?: boolean; 'webhook-id'?: string}): Promise<{secret: string; origin: string}> {
  if (flags['secret-stdin']) return {secret: await f.stdin.value('the webhook secret'), origin: 'stdin'}
  const env = f.io.env[WEBHOOK_SECRET_ENV]
  if (flags['webhook-id'] === undefined && env?.trim()) return {secret: env.trim(), origin: `env ${WEBHOOK_SECRET_ENV}`}
  const saved = savedSecrets(f)
  if (!saved) {
    if (flags['webhook-id'] !== undefined)
      throw usageError('--webhook-id needs a profile to look in', 'Name one with --profile, or pipe the secret to --secret-stdin')
    throw noSecret(`no --secret-stdin, no ${WEBHOOK_SECRET_ENV}, and no profile with a saved one`)
  }
  const {id, secret} = await saved.pick(flags['webhook-id'])
  return {secret, origin: `saved for webhook ${id} (profile ${saved.profile})`}
}

/** Tink accepts https only; the emulator also takes http on loopback (the CLI's one loopback test), so that is let through for it. */
export function checkWebhookUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw usageError(`--url "${value}" is not a URL`, 'Give the https:// URL Tink should deliver to, e.g. https://example.com/tink-webhook')
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return value
  throw usageError(
    `--url must be an https:// URL (Tink accepts https only), not ${url.protocol}//${url.host}`,
    'Use https://; plain http:// works on loopback, for the local emulator only',
  )
}

export function checkWebhookId(id: string): string {
  if (!/^[\w-]{1,128}$/.test(id)) throw usageError(`"${id}" is not a webhook id`, 'Give the id shown by tink webhook list (letters, digits, - and _)')
  return id
}
