/** `tink credentials wait`: until the customer's bank connection is UPDATED (exit 0) or fails (exit 12). */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {userRef} from '../cli/user-ref.js'
import {usageError} from '../errors/cli-error.js'
import {waitForCredentials, parseWait, type Credential} from '../tink/credentials-wait.js'
import {userLabel} from '../tink/errors.js'
import {checkId} from '../tink/validate.js'
import {expiryText} from './credentials-list.js'

export const credentialsWaitFlags = {
  ...userFlags,
  wait: Flags.string({description: 'How long to wait in all: seconds, or with s, m or h (90s, 10m, 1h). At most 24h.', default: '10m'}),
  'credentials-id': Flags.string({
    description:
      'Wait for these credentials (e.g. after a refresh or an update of consent); without it, for any bank connection created or changed after the wait began.',
  }),
}

export async function credentialsWait(f: Factory, flags: CommandFlags<typeof credentialsWaitFlags>): Promise<Outcome<Credential>> {
  const user = userRef(flags)
  const waitMs = parseWait(flags.wait)
  if (waitMs === undefined) throw usageError(`Invalid --wait "${flags.wait}"`, 'Give seconds or a duration up to 24h, e.g. --wait 600, --wait 10m, --wait 1h')
  const credentialsId = flags['credentials-id'] === undefined ? undefined : checkId(flags['credentials-id'], '--credentials-id')
  await f.preflight({needsCredentials: true})
  const api = await f.api()
  const c = await waitForCredentials({
    list: () => api.listCredentials(user),
    waitMs,
    waitText: flags.wait.trim(),
    credentialsId,
    userLabel: userLabel(user),
    signal: f.signal,
    note: (line) => f.note(line),
  })
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  f.out(
    formatFields([
      ['credentials_id', c.id],
      ['provider', str(c.providerName)],
      ['status', str(c.status)],
      ['status_updated', typeof c.statusUpdated === 'number' ? new Date(c.statusUpdated).toISOString() : undefined],
      ['consent_expires', typeof c.sessionExpiryDate === 'number' ? expiryText(c.sessionExpiryDate, Date.now()) : undefined],
    ]),
  )
  return {result: c}
}
