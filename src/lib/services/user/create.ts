/**
 * `tink user create` for one user: POST /api/v1/user/create with a user:create client token, and
 * what each outcome means: created, already there (Tink's 409), probably created by an earlier
 * attempt of this very request, or interrupted before or after the request went out.
 */
import {CliError, ExitCode, tinkSaid} from '../../errors/cli-error.js'
import {USER_CREATED_BY_EARLIER_ATTEMPT, type CreateUserInput, type TinkApi} from '../../tink/api.js'

export interface UserCreateOptions {
  input: CreateUserInput & {external_user_id: string}
  /** A user that already exists is a success ("exists") rather than exit 4. */
  ifExists: 'ok' | 'fail'
  /** Ctrl-C or SIGTERM: a failure after it says whether the request was sent. */
  signal: AbortSignal
}

export type UserCreated =
  | {status: 'created'; user_id: string; external_user_id: string}
  /** Tink's 409 names no user_id: the user exists, and which one is not guessed. */
  | {status: 'exists'; external_user_id: string}
  /** A retry of this request met the user its first attempt made; Tink does not give its id to a client token. */
  | {status: 'probably'; external_user_id: string; message: string}

export async function createUser(api: TinkApi, options: UserCreateOptions): Promise<UserCreated> {
  const ext = options.input.external_user_id
  let sent = false
  try {
    const user = await api.createUser(options.input, undefined, () => (sent = true))
    return {status: 'created', user_id: user.user_id, external_user_id: user.external_user_id ?? ext}
  } catch (err) {
    if (options.signal.aborted) throw interruptedCreate(sent, ext)
    if (err instanceof CliError && err.code === USER_CREATED_BY_EARLIER_ATTEMPT) return {status: 'probably', external_user_id: ext, message: err.message}
    if (tinkSaid(err, 409)) {
      if (options.ifExists === 'ok') return {status: 'exists', external_user_id: ext}
      throw err.withHint('Use another --external-user-id, or delete that user first with tink user delete (or pass --if-exists ok)')
    }
    throw err
  }
}

/** Ctrl-C during a single create: whether the request went out, and how to find out what Tink did. */
function interruptedCreate(sent: boolean, ext: string): CliError {
  const check = `tink user get --external-user-id ${/^[\w.@:+-]+$/.test(ext) ? ext : `'${ext.replace(/'/g, `'\\''`)}'`}`
  if (!sent)
    return new CliError(`Interrupted while getting the client token; the user create request was not sent: no user with external id "${ext}" was created`, {
      exitCode: ExitCode.INTERRUPTED,
      code: 'interrupted',
    })
  return new CliError(`Interrupted after the user create request was sent; the user with external id "${ext}" may exist`, {
    exitCode: ExitCode.INTERRUPTED,
    code: 'interrupted',
    hint: `To check: ${check} (exit 4 means it was not created)`,
  })
}
