/**
 * Whether a command line may read the keychain, from its words and the environment alone: the
 * test the bundle's entry makes before it loads the keychain warm-up (keychain-warm-up.ts) and
 * what that imports, so command lines that never read a secret (--help, profile, emulator) do
 * not load them. Which commands may read a client secret or the token cache is what each
 * declares (`needs.keychain`, collected at build time into dist/command-needs.json:
 * command-needs.cts). A secret in the environment or on stdin never touches the keychain.
 */
import {asksHelp, needsOf, type NeedsTable} from './command-needs.cjs'

export function mayUseKeychain(argv: readonly string[], env: NodeJS.ProcessEnv, table: NeedsTable): boolean {
  if (!needsOf(argv, table)?.keychain || asksHelp(argv)) return false
  return !(env.TINK_CLIENT_SECRET?.trim() || argv.includes('--client-secret-stdin'))
}
