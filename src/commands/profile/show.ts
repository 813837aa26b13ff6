import {Args} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {localBaseFlags} from '../../lib/cli/flags.js'
import {formatFields} from '../../lib/cli/output.js'
import {showProfile, type ShownProfile} from '../../lib/services/profile/show.js'

export default class ProfileShow extends command({
  args: {name: Args.string({description: 'Profile name. Default: the active profile.'})},
  baseFlags: localBaseFlags,
  usesProfiles: false,
}) {
  static override summary = 'Show a profile (the active one by default). Never shows the secret.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']

  protected async main(f: Factory): Promise<Outcome<ShownProfile>> {
    const store = f.profiles()
    const p = showProfile(store, {name: this.args.name}, f.io.env)
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
        ['client secret', p.secretStoredIn],
        ['config file', store.path],
      ]),
    )
    return {result: p}
  }
}
