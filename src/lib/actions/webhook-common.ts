/** What the `tink webhook` commands share: flags, the endpoints service on the run's client, the secret lookup, output. */
import {Flags} from '@oclif/core'
import type {Factory} from '../cli/factory.js'
import {GLOBAL_FLAGS} from '../cli/flags.js'
import {usageError} from '../errors/cli-error.js'
import {WebhookEndpoints, type WebhookEndpoint} from '../webhook/endpoints.js'
import {TINK_EVENTS} from '../webhook/events.js'
import {noSecret, WebhookSecrets} from '../webhook/saved-secrets.js'
import {DEFAULT_MAX_AGE_S} from '../webhook/signature.js'

export const WEBHOOK_SECRET_ENV = 'TINK_WEBHOOK_SECRET'

export const EVENTS_HELP = `Events to subscribe to, comma-separated (repeat the flag to add more). Tink's: ${Object.keys(TINK_EVENTS).join(', ')}.`

/** verify and listen: no API flags, a profile only to find a saved secret. */
export const secretBaseFlags = {profile: GLOBAL_FLAGS.profile, verbose: GLOBAL_FLAGS.verbose}

export const secretFlags = {
  'secret-stdin': Flags.boolean({
    description: `Read the webhook secret from standard input. Env: ${WEBHOOK_SECRET_ENV}. Default: the secret saved with webhook create --save, when the profile has exactly one.`,
  }),
  'webhook-id': Flags.string({description: 'Use the secret saved (webhook create --save) for this webhook id in the profile.', exclusive: ['secret-stdin']}),
  'max-age': Flags.integer({
    description: 'Refuse a signature whose timestamp is older than this many seconds; 0 turns the check off.',
    default: DEFAULT_MAX_AGE_S,
    min: 0,
  }),
}

/** The events v2 service on this run's Tink API (its requests read Tink's error bodies) and token cache. */
export async function endpoints(f: Factory): Promise<WebhookEndpoints> {
  await f.run.preflight({needsCredentials: true})
  const api = await f.api()
  return new WebhookEndpoints({withClientToken: (scope, fn) => api.withClientToken(scope, fn), request: (spec) => api.request(spec)})
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

/** Tink accepts https only; the emulator also takes http on loopback, so that is let through for it. */
export function checkWebhookUrl(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw usageError(`--url "${value}" is not a URL`, 'Give the https:// URL Tink should deliver to, e.g. https://example.com/tink-webhook')
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return value
  throw usageError(
    `--url must be an https:// URL (Tink accepts https only), not ${url.protocol}//${url.host}`,
    'Use https://; plain http:// works on loopback, for the local emulator only',
  )
}

export function checkWebhookId(id: string): string {
  if (!/^[\w-]{1,128}$/.test(id)) throw usageError(`"${id}" is not a webhook id`, 'Give the id shown by tink webhook list (letters, digits, - and _)')
  return id
}

/** One endpoint as `field: value` lines. */
export function formatEndpoint(e: WebhookEndpoint): string {
  const rows: Array<[string, string | undefined]> = [
    ['id', e.id],
    ['url', e.url],
    ['events', e.enabledEvents.join(', ')],
    ['state', e.disabled ? 'disabled' : 'enabled'],
    ['description', e.description],
    ['created_at', e.createdAt],
    ['updated_at', e.updatedAt],
  ]
  return rows
    .filter((r): r is [string, string] => typeof r[1] === 'string' && r[1] !== '')
    .map(([k, v]) => `${(k + ':').padEnd(13)}${v}`)
    .join('\n')
}
