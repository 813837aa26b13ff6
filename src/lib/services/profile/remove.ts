/** Removing a profile (`tink profile remove NAME`): its config entry, its stored secret and cached tokens. */
import {removeProfile} from '../../config/profile-save.js'
import type {ProfileStore} from '../../config/profiles.js'
import {REGIONS} from '../../tink/validate.js'

export interface RemoveResult {
  removed: string
  /** Secret entries deleted: the client secret, cached tokens, saved webhook secrets. */
  secretsDeleted: number
}

/** The question a person confirms before the removal; throws when there is no such profile. */
export function removalQuestion(store: ProfileStore, name: string): string {
  const p = store.require(name)
  const host = new URL(p.baseUrl ?? REGIONS[p.region === 'us' ? 'us' : 'eu'].api).host
  return `Remove profile "${name}" (API ${host}), its stored secret and cached tokens?`
}

/**
 * Removes the profile; a secret that could not be deleted, or was not found (a locked keychain
 * answers "nothing there"), is said through `warn` with how to delete it by hand.
 */
export async function removeProfileAndSecrets(store: ProfileStore, name: string, warn: (line: string) => void): Promise<RemoveResult> {
  const {deleted, secretFound, secretError, where} = await removeProfile(store, name, warn)
  if (secretError)
    warn(
      `profile "${name}" removed, but its secrets could not be deleted: ${secretError}. Their keychain accounts start with "${name}:" (list them with: secret-tool search --all service tink-auth-cli)`,
    )
  // A locked keychain answers "nothing there" rather than an error: the secret may still be in it.
  else if (!secretFound)
    warn(
      `no client secret of "${name}" was found in the ${where} to delete; if the keychain is locked, it is still there: unlock it and run secret-tool clear service tink-auth-cli account ${name}:client-secret`,
    )
  return {removed: name, secretsDeleted: deleted}
}
