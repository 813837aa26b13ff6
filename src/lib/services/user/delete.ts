/**
 * `tink user delete` for one user: Tink's delete chain (TinkApi.deleteUser: a grant with scope
 * user:delete, its code exchanged for a user token, POST /api/v1/user/delete), and what an
 * interruption mid-chain means for the user.
 */
import {CliError, ExitCode} from '../../errors/cli-error.js'
import {userFields, type DeleteStep, type TinkApi, type UserRef} from '../../tink/api.js'

export interface UserDeleteOptions {
  user: UserRef
  /** Ctrl-C or SIGTERM: a failure after it says which step it struck. */
  signal: AbortSignal
}

export type UserDeleted = {deleted: true} & ({user_id: string} | {external_user_id: string})

/** "with external id cust-1", "with user id 0123...": how the messages name the user. */
export function whichUser(user: UserRef): string {
  return user.userId === undefined ? `with external id ${user.externalUserId}` : `with user id ${user.userId}`
}

export async function deleteUser(api: TinkApi, options: UserDeleteOptions): Promise<UserDeleted> {
  let step: DeleteStep | undefined
  try {
    await api.deleteUser(options.user, (s) => (step = s))
  } catch (err) {
    if (options.signal.aborted && step) throw interruptedAt(step, whichUser(options.user))
    throw err
  }
  return {deleted: true, ...userFields(options.user)}
}

/** Ctrl-C mid-chain: which step it struck, and what state the user may be in. */
function interruptedAt(step: DeleteStep, label: string): CliError {
  const again = 'run the same command again: a user already deleted is reported as missing'
  const message = {
    grant: `Interrupted during the delete grant request (step 1 of 3); nothing was deleted: the user ${label} still exists`,
    exchange: `Interrupted while exchanging the delete grant for a user token (step 2 of 3); nothing was deleted: the user ${label} still exists`,
    delete: `Interrupted after the delete request was sent (step 3 of 3); the user ${label} may be deleted`,
  }[step]
  return new CliError(message, {
    exitCode: ExitCode.INTERRUPTED,
    code: 'interrupted',
    hint: step === 'delete' ? `To be sure, ${again}` : `To delete it, ${again}`,
  })
}
