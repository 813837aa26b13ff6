/** Error codes and messages the emulator answers with, written from Tink's pages. */

// Tink Link web reference, errors: the `error` values of a failed flow's callback.
export const LINK_ERRORS = ['USER_CANCELLED', 'BAD_REQUEST', 'AUTHENTICATION_ERROR', 'TEMPORARY_ERROR', 'INTERNAL_ERROR'] as const
export type LinkError = (typeof LINK_ERRORS)[number]

// Tink API reference, OAuth: create (delegated) authorization, 401 "the client doesn't have access to the user or isn't allowed to use the scope".
export const GRANT_FORBIDDEN_MESSAGE = "The client doesn't have access to the user or isn't allowed to use the scope"
// Tink API reference, OAuth: create (delegated) authorization, 404 when the user doesn't exist.
export const USER_NOT_FOUND_MESSAGE = 'User not found'
// Tink API reference, Introduction > Authentication: 401 for a missing or expired token, 403 for a missing scope.
export const MISSING_SCOPE_STATUS = 403
