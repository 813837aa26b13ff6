/**
 * The scope a user token needs for each Tink API path, for `tink api` without --scope. Where Tink
 * accepts one of several scopes, the first listed is the one minted; where it needs several, they
 * are joined with commas.
 */

/** The scopes of the client tokens tink mints for its own operations (Tink API reference, "Authorization scopes"). */
export const CLIENT_SCOPES = {createUser: 'user:create', grant: 'authorization:grant', webhookEndpoints: 'webhook-endpoints'} as const

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

const ID = '[^/]+'
const route = (method: Method, path: string, scope: string): [Method, RegExp, string] => [method, new RegExp(`^${path.replace(/\{id\}/g, ID)}$`), scope]

// Tink API reference, Introduction, "Authorization scopes" (enterprise/api) and the Data v2 "Works with" tables (api-data-v2).
export const SCOPE_TABLE: ReadonlyArray<[Method, RegExp, string]> = [
  route('GET', '/api/v1/user', 'user:read'),
  route('GET', '/api/v1/user/profile', 'user:read'),
  route('GET', '/api/v1/categories', 'user:read'),
  route('PATCH', '/api/v1/user', 'user:write'),
  route('PUT', '/api/v1/user/profile', 'user:write'),
  route('POST', '/api/v1/user/delete', 'user:delete'),
  route('GET', '/api/v1/calendar/periods(/{id})?', 'calendar:read'),
  route('GET', '/api/v1/credentials/list', 'credentials:read'),
  route('GET', '/api/v1/credentials/{id}', 'credentials:read'),
  route('GET', '/api/v1/credentials/{id}/qr', 'credentials:read'),
  route('GET', '/api/v1/providers', 'credentials:read'),
  route('POST', '/api/v1/credentials', 'credentials:write'),
  route('DELETE', '/api/v1/credentials/{id}', 'credentials:write'),
  route('POST', '/api/v1/credentials/{id}/(refresh|authenticate|supplemental-information)', 'credentials:refresh'),
  route('GET', '/api/v1/providers/{id}', 'providers:read'),
  route('GET', '/api/v1/provider-identifiers', 'providers:read'),
  route('GET', '/api/v1/provider-authentication-options(-for-market)?/{id}', 'providers:read'),
  route('GET', '/api/v1/provider-consents', 'provider-consents:read'),
  route('POST', '/api/v1/provider-consents:extend', 'provider-consents:write'),
  route('POST', '/api/v1/balance-refresh', 'balance-refresh'),
  route('GET', '/api/v1/balance-refresh/{id}', 'balance-refresh:readonly'),
  route('GET', '/data/v2/accounts', 'accounts:read'),
  route('GET', '/data/v2/accounts/{id}', 'accounts:read'),
  // accounts:read or accounts.balances:readonly; balances:read belongs to the v1 balances below.
  route('GET', '/data/v2/accounts/{id}/balances', 'accounts:read'),
  route('GET', '/data/v2/accounts/{id}/parties', 'accounts:read,accounts.parties:readonly'),
  route('GET', '/data/v2/identities', 'identities:readonly'),
  route('GET', '/data/v2/transactions', 'transactions:read'),
  route('GET', '/data/v2/investment-accounts(/{id}(/holdings)?)?', 'investment-accounts:readonly'),
  route('GET', '/data/v2/loan-accounts(/{id})?', 'loan-accounts:readonly'),
  route('GET', '/data/v2/transaction-reports/{id}', 'transaction-reports:readonly'),
  route('GET', '/api/v1/accounts/list', 'accounts:read'),
  route('GET', '/api/v1/loans', 'accounts:read'),
  route('GET', '/api/v1/accounts/{id}/balances', 'balances:read'),
  route('GET', '/api/v1/identities', 'identity:read'),
  route('GET', '/api/v1/investments', 'investments:read'),
  route('GET', '/api/v1/transactions/{id}(/similar)?', 'transactions:read'),
  route('GET', '/api/v1/account-verification-reports/{id}(/pdf)?', 'account-verification-reports:read'),
  route('GET', '/api/v1/payments/requests/{id}(/transfers)?', 'payment:read'),
]

/** The scope `method path` needs (GET when no method is given), or undefined for a path not in the table. */
export function scopeForPath(path: string, method = 'GET'): string | undefined {
  const bare = path.split(/[?#]/)[0].replace(/\/+$/, '')
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()
  return SCOPE_TABLE.find(([verb, re]) => verb === m && re.test(bare))?.[2]
}

/** True for a path Tink documents only a GET for (a data endpoint): `tink api` makes fields on it the query. */
export function isReadOnlyPath(path: string): boolean {
  const bare = path.split(/[?#]/)[0].replace(/\/+$/, '')
  const verbs = SCOPE_TABLE.filter(([, re]) => re.test(bare)).map(([verb]) => verb)
  return verbs.length > 0 && verbs.every((v) => v === 'GET')
}
