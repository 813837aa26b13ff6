import {Args} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {usageError} from '../../lib/errors/cli-error.js'
import {inspectionText, inspectToken, type CachePlace, type Inspection} from '../../lib/services/token/inspect.js'

export default class TokenInspect extends command({
  args: {token: Args.string({description: '- : read the token from standard input (the only way: a token in the arguments lands in shell history).'})},
  needs: {keychain: true},
}) {
  static override summary = 'Show what is known about a token, without sending it anywhere.'
  static override description = `Looks the token up in this profile's token cache (kind, profile, user, scope, expiry) and, when it is a JWT, decodes its header and claims (UNVERIFIED: the signature is not checked). A token that is neither is reported as opaque.
The token is read from standard input ("-", or no argument with a pipe), never taken as an argument: one there would land in shell history and the process list.`
  static override examples = [
    {description: 'Inspect a token from a variable', command: 'printf \'%s\' "$TOKEN" | <%= config.bin %> <%= command.id %> -'},
    {
      description: 'Inspect the cached token a command just used, as JSON',
      command: '<%= config.bin %> token get --scope user:create --raw | <%= config.bin %> <%= command.id %> - --json',
    },
  ]

  protected async main(f: Factory): Promise<Outcome<Inspection>> {
    // Only standard input, as `tink api --token -`: a token given as an argument lands in shell
    // history and the process list, and is not repeated here either.
    const how = 'e.g. printf \'%s\' "$TOKEN" | tink token inspect -'
    if (this.args.token !== undefined && this.args.token !== '-') {
      throw usageError(
        'tink token inspect reads the token from standard input only (the argument is not shown: a token on the command line lands in shell history and the process list)',
        `Pipe it in: ${how}`,
      )
    }
    if (f.io.stdin.isTTY) throw usageError('Which token? tink token inspect reads it from standard input', how)
    const token = (await f.stdin.value('the token')).trim()
    if (!token) throw usageError('The token is empty', `Pipe the token in: ${how}`)
    const setup = f.profile()
    const places: CachePlace[] = []
    if (setup?.secretStore && setup.profile) places.push({store: setup.secretStore, namespace: setup.profile.name, profile: setup.profile.name})
    const out = await inspectToken({token, places, trace: (line) => f.print.trace(line)})
    f.print.out(inspectionText(out))
    return {result: out}
  }
}
