/**
 * oclif flag definitions shared by several commands, and the flag types every command body gets:
 * inferred from these definitions, never written twice.
 */
import {Flags, type Interfaces} from '@oclif/core'
import {TINK_EVENTS} from '../webhook/events.js'
import {DEFAULT_MAX_AGE_S} from '../webhook/signature.js'

/** Every command's flags, unless it offers fewer (profile management takes no API flags). */
export const GLOBAL_FLAGS = {
  profile: Flags.string({
    char: 'p',
    description: 'Profile to use (see tink profile list). Env: TINK_PROFILE. Default: the active profile.',
    helpGroup: 'GLOBAL',
  }),
  region: Flags.string({
    description: 'Tink region: eu (api.tink.com) or us (api.us.tink.com). Env: TINK_REGION. Default: eu.',
    helpGroup: 'GLOBAL',
  }),
  'base-url': Flags.string({
    description: "API base URL; overrides the region's (proxies, the local emulator). Env: TINK_API_URL.",
    helpGroup: 'GLOBAL',
  }),
  'client-id': Flags.string({
    description: 'OAuth client id. Env: TINK_CLIENT_ID.',
    helpGroup: 'GLOBAL',
  }),
  'client-secret-stdin': Flags.boolean({
    description: 'Read the client secret from standard input (there is no flag that takes it as an argument). Env: TINK_CLIENT_SECRET.',
    helpGroup: 'GLOBAL',
  }),
  timeout: Flags.string({
    description: 'Seconds to wait for connecting, for response headers and between body chunks.',
    default: '30',
    helpGroup: 'GLOBAL',
  }),
  retries: Flags.integer({
    description: 'Retries on 429, 502, 503, 504 and network errors (exponential backoff, Retry-After honoured).',
    default: 3,
    min: 0,
    max: 10,
    helpGroup: 'GLOBAL',
  }),
  'allow-insecure-http': Flags.boolean({
    description: 'Allow plain http:// to a host that is not loopback (secrets would travel unencrypted).',
    helpGroup: 'GLOBAL',
  }),
  verbose: Flags.boolean({
    char: 'v',
    description: 'Trace HTTP requests and where each setting came from on stderr (secrets redacted).',
    helpGroup: 'GLOBAL',
  }),
}

/** --jq, beside the --json every command has (oclif adds --json; the base command adds this). */
export const jqFlags = {
  jq: Flags.string({
    description:
      'Print what a jq expression makes of the --json answer (implies --json): strings raw, other values as compact JSON, one a line. An error answer stays the one JSON error document.',
    helpGroup: 'GLOBAL',
  }),
}

/**
 * The base flags of commands that only work on local files: API flags (--timeout,
 * --client-secret-stdin, ...) would be ignored, so they are not offered; -v stays because people
 * add it everywhere.
 */
export const localBaseFlags = {verbose: GLOBAL_FLAGS.verbose}

/** The parsed flags of a command whose own flags are `F`: the global ones, --json, and its own. */
export type CommandFlags<F extends Interfaces.FlagInput> = Interfaces.InferredFlags<typeof GLOBAL_FLAGS & F> & {json?: boolean; jq?: string}

export const userFlags = {
  'external-user-id': Flags.string({
    char: 'e',
    description: 'The user, by the id your app gave it at creation.',
    exclusive: ['user-id'],
  }),
  'user-id': Flags.string({
    char: 'u',
    description: "The user, by Tink's user_id.",
    exclusive: ['external-user-id'],
  }),
}

/** The flags `user create --file` and `user delete --file` share. */
export const bulkFlags = {
  file: Flags.string({
    char: 'f',
    description:
      'Bulk mode: a CSV (with a header row) or NDJSON file of users, one per row; - reads standard input. Prints one NDJSON line per row on stdout and a summary on stderr.',
    helpGroup: 'BULK',
  }),
  format: Flags.string({
    description: 'Format of --file. Default: from the extension (.csv, .ndjson, .jsonl), else from the first line.',
    options: ['csv', 'ndjson'],
    helpGroup: 'BULK',
  }),
  delimiter: Flags.string({
    description: 'CSV field delimiter: one character (, ; |) or "tab". Default: detected from the header line (comma, semicolon or tab).',
    helpGroup: 'BULK',
  }),
  concurrency: Flags.integer({
    description:
      'The most requests in flight at once over the shared keep-alive connections. The run starts at 8 and finds how many Tink takes (more while answers come back without 429 or 503, fewer after one), up to this. Default: 64.',
    min: 1,
    max: 256,
    helpGroup: 'BULK',
  }),
  rate: Flags.string({
    description: 'Cap on requests per second for the whole run (Tink limits per app), or "off" (the default). A 429 slows all workers down either way.',
    helpGroup: 'BULK',
  }),
  journal: Flags.string({
    description: 'Append every finished row to this file as it completes; running again with the same journal skips the rows it lists as done.',
    helpGroup: 'BULK',
  }),
  adaptive: Flags.string({
    description:
      'Adapt the requests in flight to Tink\'s answers ("on", the default), or keep them at --concurrency ("off": for a known limit, and benchmarks).',
    options: ['on', 'off'],
    helpGroup: 'BULK',
  }),
  'dry-run': Flags.boolean({
    description:
      'With --file: read and check every row as a real run would and print what would be done (status would_create / would_delete, and the same invalid rows); sends only one token request (to check the credentials), writes no journal, and asks no confirmation.',
    helpGroup: 'BULK',
  }),
}

/** The environment variable `webhook verify` and `webhook listen` read the webhook secret from. */
export const WEBHOOK_SECRET_ENV = 'TINK_WEBHOOK_SECRET'

/** --events of `webhook create` and `webhook update`. */
export const EVENTS_HELP = `Events to subscribe to, comma-separated (repeat the flag to add more). Tink's: ${Object.keys(TINK_EVENTS).join(', ')}.`

/** `webhook verify` and `listen`: no API flags, a profile only to find a saved secret. */
export const webhookSecretBaseFlags = {profile: GLOBAL_FLAGS.profile, verbose: GLOBAL_FLAGS.verbose}

/** Where `webhook verify` and `listen` find the webhook secret, and how old a signature may be. */
export const webhookSecretFlags = {
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
