/** Saving and removing a profile: its config entry and its secrets, in the order that never leaves half a profile. */
import {CliError, usageError} from '../errors/cli-error.js'
import {checkProfileName, type Profile, type ProfileData, type ProfileStore} from './profiles.js'
import {accounts, type SecretStore} from '../secrets/keychain.js'
import {deleteProfileSecrets, secretStoreFor} from '../secrets/stores.js'
import {clearCachedTokens} from '../secrets/token-cache.js'

export interface NewProfile extends ProfileData {
  name: string
  clientSecret: string
}

/**
 * Stores a profile: the secret first (so a keychain failure leaves nothing half-saved), then the
 * config entry. Replacing a profile drops its old secret and cached tokens (possibly in the
 * other store) so nothing stale survives a change of client.
 */
export async function saveProfile(
  store: ProfileStore,
  input: NewProfile,
  opts: {replace?: boolean; makeActive?: boolean; warn: (line: string) => void},
): Promise<{profile: Profile; secretStore: SecretStore}> {
  const name = checkProfileName(input.name)
  const old = store.get(name)
  if (old && !opts.replace) throw usageError(`Profile "${name}" already exists; nothing changed`, `Pass --force to replace it, or choose another name`)
  const secrets = secretStoreFor(input, store.dir, opts.warn)
  if (old) {
    const oldStore = secretStoreFor(old, store.dir, opts.warn)
    if (oldStore !== secrets) {
      try {
        await deleteProfileSecrets(oldStore, name)
      } catch (err) {
        opts.warn(`could not delete the old secret of "${name}" from ${oldStore.where}: ${(err as Error).message}`)
      }
    }
    await clearCachedTokens(secrets, name)
  }
  await secrets.set(accounts.clientSecret(name), input.clientSecret)
  const {clientSecret: _secret, name: _name, ...data} = input
  await store.put(name, {...data, createdAt: new Date().toISOString()}, {makeActive: opts.makeActive})
  return {profile: store.get(name) as Profile, secretStore: secrets}
}

/** Removes a profile and everything it has in its secret store; returns how many secret entries went. */
export async function removeProfile(
  store: ProfileStore,
  name: string,
  warn: (line: string) => void,
): Promise<{deleted: number; secretFound: boolean; secretError?: string; where: string}> {
  const p = store.require(name)
  const secrets = secretStoreFor(p, store.dir, warn)
  let result = {deleted: 0, secretFound: false}
  let secretError: string | undefined
  try {
    result = await deleteProfileSecrets(secrets, name)
  } catch (err) {
    secretError = err instanceof CliError ? err.message : String(err)
  }
  await store.remove(name)
  return {...result, secretError, where: secrets.where}
}
