/**
 * Every scope Tink documents, written from Tink's own pages and clients (not from the CLI's
 * tables: the emulator is the independent oracle). One list per source.
 */

// Tink API reference, Introduction > Authentication > Authorization scopes (docs/tink_docs_home/enterprise/api, #introduction/authentication/authorization-scopes).
const API_REFERENCE_SCOPES = [
  'calendar:read',
  'user:read',
  'authorization:grant',
  'authorization:revoke',
  'link-session:write',
  'user:create',
  'user:delete',
  'user:write',
  'balance-refresh:readonly',
  'balance-refresh',
  'credentials:refresh',
  'credentials:write',
  'credentials:read',
  'payment:read',
  'providers:read',
  'provider-consents:write',
  'provider-consents:read',
  'consents',
  'consents:readonly',
  'accounts:write',
  'transactions:write',
  'balances:read',
  'accounts:read',
  'account-verification-reports:write',
  'account-verification-reports:read',
  'business-account-verification-reports:read',
  'identity:read',
  'investments:read',
  'transactions:read',
  'transactions:categorize',
  'accounts.balances:readonly',
  'accounts.parties:readonly',
  'identities:readonly',
  'investment-accounts:readonly',
  'loan-accounts:readonly',
  'transaction-reports:readonly',
  'enrichment.on-demand',
  'enrichment.transactions:readonly',
  'enrichment.transactions',
  'enrichment.merchant',
  'transactions.recurring:read',
  'enrichment.sustainability',
  'webhook-endpoints',
  'insights:write',
  'insights:read',
  'budgets:write',
  'budgets:read',
  'budgets-bfm',
  'cash-flow',
  'cost-of-living:read',
  'financial-calendar',
  'financial-calendar:readonly',
  'savings-goals:write',
  'savings-goals:read',
  'statistics:read',
  'subscriptions:read',
  'merchants',
  'merchants:readonly',
  'bulk-payment:write',
  'bulk-payment:read',
  'payment:write',
  'mandate-payments',
  'mandate-payments:readonly',
  'settlement-accounts',
  'settlement-accounts:readonly',
  'expense-checks:create',
  'expense-checks:delete',
  'expense-checks:readonly',
  'income-checks:create',
  'income-checks:delete',
  'income-checks:readonly',
  'risk-insights:create',
  'risk-insights:delete',
  'risk-insights:readonly',
] as const

// Tink's Postman collections (tink-ab/tink-postman, delegate for Tink Link): authorization:read.
const POSTMAN_SCOPES = ['authorization:read'] as const

// Tink's permanent-users example app (tink-ab/tink-link-web-permanent-users-example, server/api.js): Tink Link's own scopes.
const TINK_LINK_SCOPES = ['transfer:read', 'transfer:execute', 'link-session:read', 'user-report-bundles:read'] as const

/** Every scope Tink documents; anything else is unknown to Tink and to the emulator. */
export const TINK_SCOPES: readonly string[] = [...new Set<string>([...API_REFERENCE_SCOPES, ...POSTMAN_SCOPES, ...TINK_LINK_SCOPES])]

const KNOWN: ReadonlySet<string> = new Set(TINK_SCOPES)
export const isTinkScope = (s: string): boolean => KNOWN.has(s)

/**
 * Scope strings are one comma-separated list in Tink's docs; spaces (OAuth's usual separator)
 * are tolerated too, so both split here. Duplicates are dropped, order kept.
 */
export function splitScopes(s: string | undefined): string[] {
  if (s === undefined) return []
  const out: string[] = []
  for (const part of s.split(/[\s,]+/)) if (part !== '' && !out.includes(part)) out.push(part)
  return out
}
