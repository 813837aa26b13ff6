import {Args} from '@oclif/core'
import {tokenInspect} from '../../lib/actions/token-inspect.js'
import {commandOf} from '../../lib/cli/base-command.js'

const args = {token: Args.string({description: '- : read the token from standard input (the only way: a token in the arguments lands in shell history).'})}

export default class TokenInspect extends commandOf(tokenInspect, {args, needs: {keychain: true}}) {
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
}
