import {isTinkScope, splitScopes, TINK_SCOPES} from './tables/scopes.js'

/** Every scope Tink documents: what the built-in client (and a --client without scopes) may use. */
export const ALL_SCOPES: string[] = [...TINK_SCOPES]

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

// Tink's guides and Postman collections send users back to Console's callback (EU, and the US collections' own).
export const TINK_CONSOLE_REDIRECT_URIS: readonly string[] = ['https://console.tink.com/callback', 'https://console.us.tink.com/callback']

/** Tink Link's client id: the usual `actor_client_id` of a delegated grant (Tink's Postman collections, example app). */
export const TINK_LINK_CLIENT_ID = 'df05e4b379934cd09963197cc855bfe9'

export {splitScopes}

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
  const unknown = scopes.filter((sc) => !isTinkScope(sc))
  if (unknown.length > 0) throw new Error(`bad client spec "${s}": unknown scope ${unknown.join(', ')} (not a scope Tink documents)`)
  return {id, secret, scopes}
}
