import {Args, Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {withRenderedHint} from '../../lib/cli/render-error.js'
import {ExitCode} from '../../lib/errors/cli-error.js'
import {anyTokenFailed, checkProfiles, statusText, type ProfileHealth, type ProfileRun} from '../../lib/services/profile/status.js'

export default class ProfileStatus extends command({
  flags: {offline: Flags.boolean({description: 'Do not contact the API (skip the token check).'})},
  args: {name: Args.string({description: 'Profile name. Default: every profile.'})},
  usesProfiles: false,
}) {
  static override summary =
    'Check profiles: where the client id and secret come from, whether the keychain answers, whether a token can be fetched now, and cached tokens.'
  static override description = `For each profile (or the one named): the source of the client id and secret (flag, env, keychain, file), whether its secret store answers, whether a client token can be fetched now (skip with --offline), and the expiry of its cached tokens. Warns when TINK_CLIENT_ID or TINK_CLIENT_SECRET shadow a stored profile. Exit code 3 when a token cannot be fetched.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']

  protected async main(f: Factory): Promise<Outcome<ProfileHealth[]>> {
    const store = f.profiles()
    // Each profile as a command run with --profile NAME (and this run's flags) would see it.
    const runFor = (name: string, origin: string): ProfileRun => {
      const ctx = f.forProfile(name, origin)
      return {
        secretStore: () => ctx.profile()!.secretStore!,
        settings: () => ctx.settings(),
        baseUrl: () => ctx.run.baseUrl(),
        clientToken: async () => (await ctx.api()).clientToken(),
        errorLine: (err) => withRenderedHint(err, () => ctx.run.authHint()).oneLine(),
        close: () => ctx.close(),
      }
    }
    const health = await checkProfiles(store, {name: this.args.name, offline: this.flags.offline}, runFor)
    if (health.length === 0) f.print.note('No profiles yet. Create one with: tink login')
    for (const h of health) {
      if (h.shadowedBy.length) f.print.warnLine(`${h.shadowedBy.join(' and ')} shadow${h.shadowedBy.length === 1 ? 's' : ''} what profile ${h.name} stores`)
    }
    f.print.out(statusText(health))
    return {result: health, exitCode: anyTokenFailed(health) ? ExitCode.AUTH : ExitCode.OK}
  }
}
