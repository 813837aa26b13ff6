/** `tink token clear`: the client tokens a profile cached, deleted from its secret store. */
import type {SecretStore} from '../../secrets/keychain.js'
import {clearCachedTokens} from '../../secrets/token-cache.js'

export interface TokenClearOptions {
  /** The profile whose cache is emptied, and its secret store; none when the credentials come from the environment or flags (never cached). */
  profile?: {name: string; store: SecretStore}
}

export interface TokenClearResult {
  profile?: string
  cleared: number
}

export async function clearTokens(o: TokenClearOptions): Promise<TokenClearResult> {
  if (!o.profile) return {profile: undefined, cleared: 0}
  return {profile: o.profile.name, cleared: await clearCachedTokens(o.profile.store, o.profile.name)}
}
