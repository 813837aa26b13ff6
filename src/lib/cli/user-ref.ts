/**
 * The "exactly one of --user-id / --external-user-id" rule shared by grant and delete commands
 * (the flags themselves are in flags.ts).
 */
import {usageError} from '../errors/cli-error.js'
import type {UserRef} from '../tink/api.js'
import {checkId} from '../tink/validate.js'

export function userRef(flags: {'external-user-id'?: string; 'user-id'?: string}): UserRef {
  const ext = flags['external-user-id']
  const id = flags['user-id']
  if (ext !== undefined && id !== undefined) throw usageError('Give either --user-id or --external-user-id, not both', 'They name the same user in two ways')
  if (id !== undefined) return {userId: checkId(id, '--user-id')}
  if (ext !== undefined) return {externalUserId: checkId(ext, '--external-user-id')}
  throw usageError('Which user? Neither --user-id nor --external-user-id was given', 'Add --external-user-id ID (or --user-id ID)')
}
