import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {askConfirm, canPrompt} from '../../lib/cli/prompt.js'
import {byWebhookId, checkWebhookId, savedSecrets} from '../../lib/cli/webhook.js'
import {CliError, ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {webhookEndpoints} from '../../lib/services/webhook/common.js'
import {deleteWebhook, type WebhookDeleted} from '../../lib/services/webhook/delete.js'

export default class WebhookDelete extends command({
  ...byWebhookId,
  flags: {yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'})},
}) {
  static override summary = 'Delete a webhook endpoint.'
  static override description =
    'DELETE /events/v2/webhook-endpoints/ID. Asks for confirmation on a terminal; --yes is required otherwise. A secret saved for it with create --save is removed from the profile too.'

  static override examples = [
    {description: 'Delete without a question', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --yes'},
    {description: 'The same, with the result as JSON', command: '<%= config.bin %> <%= command.id %> d8f37f7d19c240abb4ef5d5dbebae4ef --yes --json'},
  ]

  protected async main(f: Factory): Promise<Outcome<WebhookDeleted>> {
    const id = checkWebhookId(this.args.id)
    await f.run.preflight({needsCredentials: true})
    const endpoints = webhookEndpoints(await f.api())
    if (!this.flags.yes) {
      if (!canPrompt(f.io)) throw usageError(`Refusing to delete webhook ${id} without confirmation`, 'Add --yes to confirm when not running on a terminal')
      const ok = await askConfirm(f.io, `Delete webhook ${id} (${await f.run.targetLabel()})? Tink stops delivering its events.`)
      if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
    }
    const saved = savedSecrets(f)
    const deleted = await deleteWebhook({endpoints, saved, warn: (line) => f.print.warnLine(line)}, id)
    f.print.out(`Deleted webhook ${id}${deleted.savedSecretRemoved ? ` and its saved secret (profile ${saved?.profile})` : ''}`)
    return {result: deleted}
  }
}
