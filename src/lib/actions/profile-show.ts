/** `tink profile show [NAME]`: a profile's settings and where its secret is, never the secret. */
import {join} from 'node:path'
import type {Factory, Outcome} from '../cli/factory.js'
import {formatFields} from '../cli/output.js'
import {configDir} from '../config/paths.cjs'
import type {Profile} from '../config/profiles.js'
import {usageError} from '../errors/cli-error.js'
import {accounts, KEYCHAIN_SERVICE, SECRETS_FILE} from '../secrets/keychain.js'

export async function profileShow(f: Factory, _flags: unknown, args: {name?: string}): Promise<Outcome<Profile & {secretStoredIn: string}>> {
  const store = f.profiles()
  const name = args.name ?? store.activeName
  if (!name) throw usageError('No active profile', 'Name one (tink profile show NAME), or create one with tink login')
  const p = store.require(name)
  // Where the secret is, without reading it (and without loading the keychain module).
  const secretStoredIn =
    p.storage === 'file'
      ? `file ${join(configDir(f.io.env), SECRETS_FILE)}`
      : `OS keychain, service ${KEYCHAIN_SERVICE}, account ${accounts.clientSecret(p.name)}`
  f.print.out(
    formatFields([
      ['name', p.name + (p.active ? ' (active)' : '')],
      ['client id', p.clientId],
      ['region', p.region],
      ['API base URL', p.baseUrl],
      ['Tink Link URL', p.linkBaseUrl],
      ['market', p.market],
      ['locale', p.locale],
      ['redirect URI', p.redirectUri],
      ['client secret', secretStoredIn],
      ['config file', store.path],
    ]),
  )
  return {result: {...p, secretStoredIn}}
}
