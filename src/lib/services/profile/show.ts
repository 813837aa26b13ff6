/** A profile's settings and where its secret is kept, never the secret itself. */
import {join} from 'node:path'
import {configDir} from '../../config/paths.cjs'
import type {Profile, ProfileStore} from '../../config/profiles.js'
import {usageError} from '../../errors/cli-error.js'
import {accounts, KEYCHAIN_SERVICE, SECRETS_FILE} from '../../secrets/keychain.js'

export interface ShowOptions {
  /** The profile; the active one when absent. */
  name?: string
}

export type ShownProfile = Profile & {secretStoredIn: string}

export function showProfile(store: ProfileStore, options: ShowOptions, env: NodeJS.ProcessEnv): ShownProfile {
  const name = options.name ?? store.activeName
  if (!name) throw usageError('No active profile', 'Name one (tink profile show NAME), or create one with tink login')
  const p = store.require(name)
  // Where the secret is, without reading it (and without loading the keychain module).
  const secretStoredIn =
    p.storage === 'file' ? `file ${join(configDir(env), SECRETS_FILE)}` : `OS keychain, service ${KEYCHAIN_SERVICE}, account ${accounts.clientSecret(p.name)}`
  return {...p, secretStoredIn}
}
