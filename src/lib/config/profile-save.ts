/** Saving and removing a profile: its config entry and its secrets, in the order that never leaves half a profile. */
import {CliError, usageError} from '../errors/cli-error.js'
import {checkProfileName, type Profile, type ProfileData, type ProfileStore} from './profiles.js'
import {join} from 'node:path'
import {accounts, SECRETS_FILE, type SecretStore, type StorageKind} from '../secrets/keychain.js'
import {checkNotLink} from './safe-file.js'
import {deleteProfileSecrets, deleteWebhookSecrets, secretStoreFor} from '../secrets/stores.js'
import {clearCachedTokens} from '../secrets/token-cache.js'

export interface NewProfile extends ProfileData {
  name: string
  clientSecret: string
}

/**
 * Throws what saving a profile would fail on, before anything is asked, sent or stored: a secret
 * saved for a profile the config file then refuses would be left behind in the keychain.
 */
export function checkSavable(store: ProfileStore, storage: StorageKind): void {
  store.checkWritable()
  if (storage === 'file') {
    checkNotLink(join(store.dir, SECRETS_FILE), 'The secrets file')
    checkNotLink(join(store.dir, SECRETS_FILE) + '.lock', 'The lock file')
  }
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
  checkSavable(store, input.storage)
  const secrets = secretStoreFor(input, store.dir, opts.warn)
  const account = accounts.clientSecret(name)
  const oldStore = old ? secretStoreFor(old, store.dir, opts.warn) : undefined
  // What the secret was, to put back if the config write fails: the old profile then still pairs
  // its client id with its own secret.
  const previous = oldStore === secrets ? await secrets.get(account) : undefined
  if (old) await clearCachedTokens(secrets, name)
  await secrets.set(account, input.clientSecret)
  const {clientSecret: _secret, name: _name, ...data} = input
  try {
    await store.put(name, {...data, createdAt: new Date().toISOString()}, {makeActive: opts.makeActive})
  } catch (err) {
    // The config write failed after all (a lock held too long, a full disk): the secret store
    // goes back to what it held, rather than keep a secret no profile names (or pairs).
    if (previous !== undefined) await secrets.set(account, previous).catch(() => undefined)
    else await secrets.delete(account).catch(() => false)
    throw err
  }
  // Only now, with the new profile saved, does the old one's secret in the other store go.
  if (oldStore && oldStore !== secrets) {
    try {
      await deleteProfileSecrets(oldStore, name)
    } catch (err) {
      opts.warn(`could not delete the old secret of "${name}" from ${oldStore.where}: ${(err as Error).message}`)
    }
  }
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
    result.deleted += await deleteWebhookSecrets(secrets, name)
  } catch (err) {
    secretError = err instanceof CliError ? err.message : String(err)
  }
  await store.remove(name)
  return {...result, secretError, where: secrets.where}
}
