/** `tink webhook delete ID`: confirmation on a terminal (--yes otherwise); a secret saved for it is dropped too. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {askConfirm, canPrompt} from '../cli/prompt.js'
import {CliError, ExitCode, tinkSaid, usageError} from '../errors/cli-error.js'
import {checkWebhookId, endpoints, savedSecrets} from './webhook-common.js'
import {notFound} from './webhook-list.js'

export const webhookDeleteFlags = {
  yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation (required when not on a terminal).'}),
}

export async function webhookDelete(
  f: Factory,
  flags: CommandFlags<typeof webhookDeleteFlags>,
  args: {id: string},
): Promise<Outcome<{deleted: true; id: string; savedSecretRemoved: boolean}>> {
  const id = checkWebhookId(args.id)
  const service = await endpoints(f)
  if (!flags.yes) {
    if (!canPrompt(f.io)) throw usageError(`Refusing to delete webhook ${id} without confirmation`, 'Add --yes to confirm when not running on a terminal')
    const ok = await askConfirm(f.io, `Delete webhook ${id} (${await f.run.targetLabel()})? Tink stops delivering its events.`)
    if (!ok) throw new CliError('Cancelled; nothing was deleted', {exitCode: ExitCode.USAGE, code: 'cancelled'})
  }
  try {
    await service.delete(id)
  } catch (err) {
    if (tinkSaid(err, 404)) throw notFound(id)
    throw err
  }
  let savedSecretRemoved = false
  const saved = savedSecrets(f)
  if (saved) {
    try {
      savedSecretRemoved = await saved.remove(id)
    } catch (err) {
      f.print.warnLine(`webhook ${id} is deleted, but its saved secret could not be removed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  f.print.out(`Deleted webhook ${id}${savedSecretRemoved ? ` and its saved secret (profile ${saved?.profile})` : ''}`)
  return {result: {deleted: true, id, savedSecretRemoved}}
}
