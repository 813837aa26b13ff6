export const ALL_SCOPES: string[] = [
  'authorization:grant',
  'authorization:read',
  'user:create',
  'user:read',
  'user:delete',
  'credentials:refresh',
  'credentials:read',
  'credentials:write',
  'providers:read',
  'accounts:read',
  'balances:read',
  'transactions:read',
  'provider-consents:read',
  // revoke-all (client token): stops every token of a user.
  'authorization:revoke',
]

export interface EmulatorClient {
  id: string
  secret: string
  scopes: string[]
}

export const BUILTIN_CLIENT: {id: 'tink-emulator-client'; secret: 'tink-emulator-secret'; scopes: string[]} = {
  id: 'tink-emulator-client',
  secret: 'tink-emulator-secret',
  scopes: [...ALL_SCOPES],
}

/** Tink Link's client id: the usual `actor_client_id` of a delegated grant. */
export const TINK_LINK_CLIENT_ID = 'df05e4b379934cd09963197cc855bfe9'

/**
 * Scope strings are one comma-separated list in Tink's docs; the live service
 * also tolerates spaces (OAuth's usual separator), so both split here.
 */
export function splitScopes(s: string | undefined): string[] {
  if (s === undefined) return []
  const out: string[] = []
  for (const part of s.split(/[\s,]+/)) {
    if (part !== '' && !out.includes(part)) out.push(part)
  }
  return out
}

const ID_RE = /^[A-Za-z0-9._~-]+$/

/** `ID:SECRET:scope1,scope2` (scopes optional: omitted or empty = all scopes). */
export function parseClientSpec(s: string): EmulatorClient {
  const first = s.indexOf(':')
  const second = first < 0 ? -1 : s.indexOf(':', first + 1)
  if (first < 0) throw new Error(`bad client spec "${s}": expected ID:SECRET:scope1,scope2`)
  const id = s.slice(0, first)
  const secret = second < 0 ? s.slice(first + 1) : s.slice(first + 1, second)
  const scopeText = second < 0 ? '' : s.slice(second + 1)
  if (!ID_RE.test(id)) throw new Error(`bad client spec "${s}": client id must be non-empty letters, digits, . _ ~ -`)
  if (secret === '') throw new Error(`bad client spec "${s}": client secret is empty`)
  const scopes = scopeText.trim() === '' ? [...ALL_SCOPES] : splitScopes(scopeText)
  const unknown = scopes.filter((sc) => !ALL_SCOPES.includes(sc))
  if (unknown.length > 0) throw new Error(`bad client spec "${s}": unknown scope ${unknown.join(', ')} (known: ${ALL_SCOPES.join(',')})`)
  return {id, secret, scopes}
}
