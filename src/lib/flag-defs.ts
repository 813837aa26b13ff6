/**
 * oclif flag definitions shared by several commands. Only command classes import this module (it
 * loads oclif); the checks on the parsed values live in user-flags.ts and bulk/flags.ts, which the
 * fast path uses without oclif.
 */
import {Flags} from '@oclif/core'

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
    description: 'Bulk mode: a CSV (with a header row) or NDJSON file of users, one per row; - reads standard input. Prints one NDJSON line per row on stdout and a summary on stderr.',
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
    description: 'Requests in flight at once over the shared keep-alive connections.',
    default: 8,
    min: 1,
    max: 256,
    helpGroup: 'BULK',
  }),
  rate: Flags.string({
    description: 'Cap on requests per second for the whole run (Tink limits per app), or "off". A 429 slows all workers down either way.',
    default: 'off',
    helpGroup: 'BULK',
  }),
  journal: Flags.string({
    description: 'Append every finished row to this file as it completes; running again with the same journal skips the rows it lists as done.',
    helpGroup: 'BULK',
  }),
}
