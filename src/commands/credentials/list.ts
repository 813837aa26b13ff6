import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {ExitCode} from '../../lib/errors/cli-error.js'
import {credentialsTable, listCredentials} from '../../lib/services/credentials/list.js'

export default class CredentialsList extends command({
  flags: {
    ...userFlags,
    'fail-on-error': Flags.boolean({description: 'Exit 12 when any credentials are not UPDATED (the list is printed all the same).'}),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = "List a user's connected banks: status, last update, consent expiry, error."
  static override description = `GET /api/v1/credentials/list with a user token for credentials:read. One row per connected bank: provider, status (UPDATED when all is well), when the status last changed, when the consent (sessionExpiryDate) runs out, and the error text when the status is not UPDATED.
The support question "did the connection work?" is answered here. --json prints Tink's answer as received.`
  static override examples = [
    {description: 'Did the bank connection of this user work?', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123'},
    {description: "Tink's JSON, for a script", command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --json'},
  ]

  protected async main(f: Factory): Promise<Outcome<Record<string, unknown>>> {
    const user = userRef(this.flags)
    await f.run.preflight({needsCredentials: true})
    const listed = await listCredentials(await f.api(), {user})
    if (!listed.credentials.length) {
      f.print.note('No connected banks for this user (no credentials)')
      return {result: listed.body}
    }
    f.print.out(credentialsTable(listed.credentials, Date.now()))
    const {notUpdated, credentials} = listed
    if (this.flags['fail-on-error'] && notUpdated.length) {
      f.print.note(`${notUpdated.length} of ${credentials.length} credentials not UPDATED (--fail-on-error): exit 12`)
      return {result: listed.body, exitCode: ExitCode.CREDENTIALS_FAILED}
    }
    return {result: listed.body}
  }
}
