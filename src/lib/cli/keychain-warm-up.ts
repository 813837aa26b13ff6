/**
 * Starts the keychain's first lookup at the entry point, before oclif loads. On Linux the first
 * keychain call of a process opens a Secret Service session over D-Bus; keytar does that on a
 * worker thread, so started here it overlaps oclif's own start (its modules, its config, the
 * command's module) instead of being waited for when the command reads its secret or cached token.
 *
 * It looks only at the first word (as bin/run.cjs does for V8 flags and the compile cache does for
 * its file): the topics whose commands read a client secret or the token cache. It does nothing
 * where the run may not use the keychain at all: no profile, a secret in the environment (those
 * credentials never touch the keychain), or any profile keeping its secret in a file (which
 * profile a run uses is oclif's to parse). The lookup is of an account that never
 * exists; its failures are left to the real call, which reports them.
 */
import {ProfileStore} from '../config/profiles.js'
import {sharedKeychain} from '../secrets/stores.js'

const KEYCHAIN_TOPICS = new Set(['token', 'user', 'grant', 'credentials', 'api'])

export function warmUpKeychain(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  if (!KEYCHAIN_TOPICS.has(argv[0] ?? '') || argv.includes('--help') || argv.includes('-h')) return
  if (env.TINK_CLIENT_SECRET?.trim() || argv.includes('--client-secret-stdin')) return
  const store = ProfileStore.load(env)
  if (store.problem || store.names().length === 0 || store.list().some((p) => p.storage === 'file')) return
  sharedKeychain().warmUp()
}
