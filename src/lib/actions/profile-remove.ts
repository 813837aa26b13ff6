/** `tink profile remove NAME`: the profile, its stored secret and cached tokens. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {askConfirm, canPrompt} from '../cli/prompt.js'
import {removeProfile} from '../config/profile-save.js'
import {interrupted, usageError} from '../errors/cli-error.js'
import {REGIONS} from '../tink/validate.js'

export const profileRemoveFlags = {yes: Flags.boolean({char: 'y', description: 'Do not ask for confirmation.'})}

export async function profileRemove(
  f: Factory,
  flags: CommandFlags<typeof profileRemoveFlags>,
  args: {name: string},
): Promise<Outcome<{removed: string; secretsDeleted: number}>> {
  const {name} = args
  const store = f.profiles()
  store.require(name)
  if (!flags.yes) {
    if (!canPrompt(f.io)) throw usageError(`Refusing to remove profile "${name}" without confirmation`, 'Pass --yes to confirm')
    const p = store.require(name)
    const host = new URL(p.baseUrl ?? REGIONS[p.region === 'us' ? 'us' : 'eu'].api).host
    if (!(await askConfirm(f.io, `Remove profile "${name}" (API ${host}), its stored secret and cached tokens?`))) throw interrupted()
  }
  const {deleted, secretFound, secretError, where} = await removeProfile(store, name, (line) => f.print.warnLine(line))
  if (secretError)
    f.print.warnLine(
      `profile "${name}" removed, but its secrets could not be deleted: ${secretError}. Their keychain accounts start with "${name}:" (list them with: secret-tool search --all service tink-auth-cli)`,
    )
  // A locked keychain answers "nothing there" rather than an error: the secret may still be in it.
  else if (!secretFound)
    f.print.warnLine(
      `no client secret of "${name}" was found in the ${where} to delete; if the keychain is locked, it is still there: unlock it and run secret-tool clear service tink-auth-cli account ${name}:client-secret`,
    )
  f.print.note(`Removed profile ${name} (${deleted} secret entr${deleted === 1 ? 'y' : 'ies'} deleted)`)
  return {result: {removed: name, secretsDeleted: deleted}}
}
