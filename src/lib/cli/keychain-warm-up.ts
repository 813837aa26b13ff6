/**
 * Starts the keychain's first lookup at the entry point, before oclif loads. On Linux the first
 * keychain call of a process opens a Secret Service session over D-Bus; keytar does that on a
 * worker thread, so started here it overlaps oclif's own start (its modules, its config, the
 * command's module) instead of being waited for when the command reads its secret or cached token.
 *
 * The entry calls it only for command lines that may use the keychain (keychain-topics.ts). It
 * does nothing where the run may not use it after all: no profile, or any profile keeping its
 * secret in a file (which profile a run uses is oclif's to parse). The lookup is of an account
 * that never exists; its failures are left to the real call, which reports them.
 */
import {ProfileStore} from '../config/profiles.js'
import {sharedKeychain} from '../secrets/stores.js'

export function warmUpKeychain(env: NodeJS.ProcessEnv): void {
  const store = ProfileStore.load(env)
  if (store.problem || store.names().length === 0 || store.list().some((p) => p.storage === 'file')) return
  sharedKeychain().warmUp()
}
