/**
 * Whether a command line may read the keychain, from its words and the environment alone: the
 * test the bundle's entry makes before it loads the keychain warm-up (keychain-warm-up.ts) and
 * what that imports, so command lines that never read a secret (--help, profile, emulator) do
 * not load them. It looks only at the first word (as bin/run.cjs does for V8 flags and the
 * compile cache for its file): the topics whose commands read a client secret or the token
 * cache. A secret in the environment or on stdin never touches the keychain.
 */
const KEYCHAIN_TOPICS = new Set(['token', 'user', 'grant', 'credentials', 'api', 'webhook'])

export function mayUseKeychain(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (!KEYCHAIN_TOPICS.has(argv[0] ?? '') || argv.includes('--help') || argv.includes('-h')) return false
  return !(env.TINK_CLIENT_SECRET?.trim() || argv.includes('--client-secret-stdin'))
}
