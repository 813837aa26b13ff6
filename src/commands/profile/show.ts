import {Args} from '@oclif/core'
import {GLOBAL_FLAGS, TinkCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {formatFields} from '../../lib/output.js'
import {configDir, type Profile} from '../../lib/profiles.js'
import {KEYCHAIN_SERVICE, accounts, SECRETS_FILE} from '../../lib/keychain.js'
import {join} from 'node:path'

export default class ProfileShow extends TinkCommand<typeof ProfileShow> {
  static override summary = 'Show a profile (the active one by default). Never shows the secret.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name. Default: the active profile.'})}
  // Local file work only: API flags (--timeout, --client-secret-stdin, ...) would be ignored, so
  // they are not offered; -v stays because people add it everywhere.
  static override baseFlags = {verbose: GLOBAL_FLAGS.verbose}

  protected override usesProfiles = false

  async run(): Promise<Profile & {secretStoredIn: string}> {
    const name = this.args.name ?? this.profiles.activeName
    if (!name) throw usageError('No active profile', 'Name one (tink profile show NAME), or create one with tink login')
    const p = this.profiles.require(name)
    // Where the secret is, without reading it (and without loading the keychain module).
    const secretStoredIn =
      p.storage === 'file' ? `file ${join(configDir(this.io.env), SECRETS_FILE)}` : `OS keychain, service ${KEYCHAIN_SERVICE}, account ${accounts.clientSecret(p.name)}`
    this.out(
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
        ['config file', this.profiles.path],
      ]),
    )
    return {...p, secretStoredIn}
  }
}
