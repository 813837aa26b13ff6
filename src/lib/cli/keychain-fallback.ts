/**
 * The login wizard and a keychain that cannot store the secret (no D-Bus on a headless machine, a
 * gnome-keyring without a login collection, a locked one): asked before the first question, and
 * again if saving still fails after the credentials were verified. The way on is always explicit:
 * the 0600 file store with its warning, a retry that keeps every answer, or a command line that
 * asks nothing again.
 */
import {join} from 'node:path'
import type {NewProfile} from '../config/profile-save.js'
import {CliError} from '../errors/cli-error.js'
import {accounts, KeychainError, SECRETS_FILE, type KeytarStore, type StorageKind} from '../secrets/keychain.js'
import {sharedKeychain} from '../secrets/stores.js'
import type {Factory} from './factory.js'
import {askConfirm} from './prompt.js'

export const HEADLESS_LINUX_HINT =
  'On a headless Linux machine (SSH, a container, CI), run tink in a keyring session: dbus-run-session -- sh -c \'read -rs P && printf %s "$P" | gnome-keyring-daemon --unlock --components=secrets && tink login\' with a non-empty password (an empty one creates no login collection)'

/** The keychain a login saves to: the process's one, so a broken keychain costs one timeout per run. */
export function loginKeychain(): Pick<KeytarStore, 'checkWritable'> {
  return sharedKeychain()
}

function withHint(err: KeychainError, extra?: string): CliError {
  const hint = [extra, err.hint, process.platform === 'linux' ? HEADLESS_LINUX_HINT : undefined].filter(Boolean).join('. ')
  return new CliError(`${err.message}; nothing was saved`, {exitCode: err.exitCode, code: err.code, hint})
}

function offerFile(f: Factory, dir: string): Promise<boolean> {
  return askConfirm(
    f.io,
    `Keep this profile's secret in a plain file instead (${join(dir, SECRETS_FILE)}, mode 0600, not encrypted: anything running as you can read it)?`,
    false,
  )
}

/** Before the questions: 'keychain' when it can store a secret; else 'file' if the person agrees, or the error. */
export async function keychainOrFile(f: Factory, dir: string, name: string): Promise<StorageKind> {
  try {
    await sharedKeychain().checkWritable(accounts.probe(name), 'save a client secret in the OS keychain')
    return 'keychain'
  } catch (err) {
    if (!(err instanceof KeychainError)) throw err
    f.print.note(err.message)
    if (await offerFile(f, dir)) return 'file'
    throw withHint(err)
  }
}

/** The command line that saves the same profile with no question (the secret piped, never shown). */
export function loginCommand(p: NewProfile): string {
  const args = ['tink login', p.name, '--client-id', p.clientId]
  if (p.baseUrl) args.push('--base-url', p.baseUrl)
  else if (p.region) args.push('--region', p.region)
  if (p.market) args.push('--market', p.market)
  if (p.locale) args.push('--locale', p.locale)
  if (p.redirectUri) args.push('--redirect-uri', p.redirectUri)
  return `printf '%s' "$SECRET" | ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) || a === 'tink login' ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')} --client-secret-stdin`
}

/**
 * Saves, and if the keychain refuses the secret after all: offers the file store, then a retry
 * with every answer kept (after unlocking the keychain); declined, the error gives the command
 * line that asks nothing again.
 */
export async function saveOrAsk<T>(f: Factory, dir: string, input: NewProfile, save: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await save()
    } catch (err) {
      if (!(err instanceof KeychainError) || input.storage !== 'keychain') throw err
      f.print.note(err.message)
      if (await offerFile(f, dir)) {
        input.storage = 'file'
        continue
      }
      if (await askConfirm(f.io, 'Try the keychain again with the same answers (unlock it first)?', true)) {
        sharedKeychain().reset()
        continue
      }
      throw withHint(err, `To save it later without the questions: ${loginCommand(input)}`)
    }
  }
}
