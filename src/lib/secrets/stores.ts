/** Which secret store holds a profile's secret, and the secret-side operations on profiles. */
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {ProfileData} from '../config/profiles.js'
import {accounts, FileStore, KeytarStore, type SecretStore} from './keychain.js'
import {clearCachedTokens} from './token-cache.js'

let keychain: KeytarStore | undefined
/** One keychain per process, so a broken one costs a single timeout per run. */
export function sharedKeychain(): KeytarStore {
  keychain ??= new KeytarStore()
  return keychain
}

const fileStores = new Map<string, FileStore>()
/** The secret store a profile uses. The file store is created only for profiles marked `storage: file`. */
export function secretStoreFor(profile: Pick<ProfileData, 'storage'>, dir: string, warn: (line: string) => void): SecretStore {
  if (profile.storage !== 'file') return sharedKeychain()
  let store = fileStores.get(dir)
  if (!store) {
    store = FileStore.inDir(dir, warn)
    fileStores.set(dir, store)
  }
  return store
}

/**
 * The profile records that its secret is in `store`, but the store has none. A locked keychain
 * (gnome-keyring) answers reads with nothing rather than an error, so that is the likely cause
 * to name first; the entry may also have been removed by hand.
 */
export function missingSecret(name: string, store: SecretStore): CliError {
  if (store.kind === 'keychain') {
    return new CliError(
      `Profile "${name}" keeps its client secret in the ${store.where}, but the keychain returned none for ${accounts.clientSecret(name)}: the keychain may be locked, or the entry was removed`,
      {
        exitCode: ExitCode.AUTH,
        code: 'missing_credentials',
        hint: `Unlock the keychain (e.g. log in to the desktop session, or gnome-keyring-daemon --unlock) and try again; if the entry is gone, store it again with tink login ${name} --force, or set TINK_CLIENT_SECRET`,
      },
    )
  }
  return new CliError(`Profile "${name}" has no client secret in ${store.where}`, {
    exitCode: ExitCode.AUTH,
    code: 'missing_credentials',
    hint: `Store it again with tink login ${name} --force --insecure-storage, or set TINK_CLIENT_SECRET`,
  })
}

/** Deletes a profile's secret and cached tokens from its store, by account name (no listing). */
export async function deleteProfileSecrets(store: SecretStore, name: string): Promise<{deleted: number; secretFound: boolean}> {
  const tokens = await clearCachedTokens(store, name)
  const secretFound = await store.delete(accounts.clientSecret(name))
  return {deleted: tokens + (secretFound ? 1 : 0), secretFound}
}

/** Deletes the webhook secrets saved under a profile (`tink webhook create --save`); resolves how many. */
export async function deleteWebhookSecrets(store: SecretStore, name: string): Promise<number> {
  const raw = await store.get(accounts.webhookIndex(name))
  if (raw === undefined) return 0
  let ids: unknown
  try {
    ids = JSON.parse(raw)
  } catch {
    ids = []
  }
  let deleted = 0
  for (const id of Array.isArray(ids) ? ids : []) if (typeof id === 'string' && (await store.delete(accounts.webhookSecret(name, id)))) deleted++
  await store.delete(accounts.webhookIndex(name))
  return deleted
}
