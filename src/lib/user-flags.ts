/**
 * The "exactly one of --user-id / --external-user-id" rule shared by grant and delete commands.
 */
import {Flags} from '@oclif/core'
import {usageError} from './errors.js'
import type {UserRef} from './tink.js'
import {checkId} from './validate.js'

export const userFlags = {
  'external-user-id': Flags.string({
    char: 'e',
    description: 'The user, by the id your app gave it at creation.',
    exclusive: ['user-id'],
  }),
  'user-id': Flags.string({
    char: 'u',
    description: "The user, by Tink's user_id.",
    exclusive: ['external-user-id'],
  }),
}

export function userRef(flags: {'external-user-id'?: string; 'user-id'?: string}): UserRef {
  const ext = flags['external-user-id']
  const id = flags['user-id']
  if (ext !== undefined && id !== undefined) throw usageError('Give either --user-id or --external-user-id, not both', 'They name the same user in two ways')
  if (id !== undefined) return {userId: checkId(id, '--user-id')}
  if (ext !== undefined) return {externalUserId: checkId(ext, '--external-user-id')}
  throw usageError('Which user? Neither --user-id nor --external-user-id was given', 'Add --external-user-id ID (or --user-id ID)')
}

export function describeUser(user: UserRef): Record<string, string> {
  return user.userId !== undefined ? {user_id: user.userId} : {external_user_id: user.externalUserId}
}
