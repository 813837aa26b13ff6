import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {formatFields} from '../../lib/cli/output.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {expiryText} from '../../lib/services/credentials/list.js'
import {parseWait, waitForCredentials, type Credential} from '../../lib/services/credentials/wait.js'
import {userLabel} from '../../lib/tink/errors.js'
import {checkId} from '../../lib/tink/validate.js'

export default class CredentialsWait extends command({
  flags: {
    ...userFlags,
    wait: Flags.string({description: 'How long to wait in all: seconds, or with s, m or h (90s, 10m, 1h). At most 24h.', default: '10m'}),
    'credentials-id': Flags.string({
      description:
        'Wait for these credentials (e.g. after a refresh or an update of consent); without it, for any bank connection created or changed after the wait began.',
    }),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = "Wait until a user's bank connection is UPDATED, or fails."
  static override description = `Polls GET /api/v1/credentials/list (with a user token for credentials:read), backing off, until a bank connection created or changed after the wait began (or the one given with --credentials-id) reaches UPDATED, or an error status, or --wait runs out. Says on stderr what it waits for, and each change of status.
Exit 0: UPDATED (the credentials are printed; --json prints them as Tink sent them). 12: AUTHENTICATION_ERROR, TEMPORARY_ERROR, PERMANENT_ERROR, SESSION_EXPIRED or DELETED, with Tink's status and message. 10: --wait ran out. 130: Ctrl-C. --timeout still bounds each request.`
  static override examples = [
    {
      description: 'After sending the customer a Tink Link URL: did the connection work?',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --wait 15m',
    },
    {
      description: 'In a script: the status alone on stdout (exit 12 when the bank refused)',
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --jq .status',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<Credential>> {
    const {flags} = this
    const user = userRef(flags)
    const waitMs = parseWait(flags.wait)
    if (waitMs === undefined) throw usageError(`Invalid --wait "${flags.wait}"`, 'Give seconds or a duration up to 24h, e.g. --wait 600, --wait 10m, --wait 1h')
    const credentialsId = flags['credentials-id'] === undefined ? undefined : checkId(flags['credentials-id'], '--credentials-id')
    await f.run.preflight({needsCredentials: true})
    const api = await f.api()
    const c = await waitForCredentials({
      list: () => api.listCredentials(user),
      waitMs,
      waitText: flags.wait.trim(),
      credentialsId,
      userLabel: userLabel(user),
      signal: f.signal,
      note: (line) => f.print.note(line),
    })
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
    f.print.out(
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
}
