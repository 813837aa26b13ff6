/** `tink grant create`: an authorization code for an existing user, optionally exchanged at once. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {formatToken} from '../cli/output.js'
import {userRef} from '../cli/user-ref.js'
import {usageError} from '../errors/cli-error.js'
import type {TokenResult} from '../tink/api.js'
import {checkIdHint, joinScopes} from '../tink/validate.js'

export const grantCreateFlags = {
  ...userFlags,
  scope: Flags.string({char: 's', description: 'Scopes the code grants, comma-separated (repeatable).', multiple: true, required: true}),
  'id-hint': Flags.string({description: 'A name or e-mail for the user, shown by Tink Link.'}),
  exchange: Flags.boolean({description: 'Exchange the code for a user token and print the token instead (same shape as token get).'}),
}

export async function grantCreate(f: Factory, flags: CommandFlags<typeof grantCreateFlags>): Promise<Outcome<{code: string} | TokenResult>> {
  const user = userRef(flags)
  const scope = joinScopes(flags.scope)
  if (!scope) throw usageError('--scope is required', 'e.g. --scope accounts:read,transactions:read')
  const idHint = flags['id-hint'] === undefined ? undefined : checkIdHint(flags['id-hint'])
  await f.run.preflight({needsCredentials: true})

  const api = await f.api()
  const {code} = await api.grant(user, scope, idHint)
  if (!flags.exchange) {
    f.print.out(code)
    return {result: {code}}
  }
  const token = await api.exchangeCode(code)
  f.print.out(formatToken(token))
  return {result: token}
}
