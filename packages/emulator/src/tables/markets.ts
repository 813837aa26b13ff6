/** Tink's markets and locales, per flow, written from Tink's documentation (not the CLI's tables). */

// Transactions, Account Aggregation, the bundled flow and pay/direct (Tink Link web reference, transactions / market capabilities).
export const TRANSACTIONS_MARKETS = ['AT', 'BE', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'LT', 'LV', 'NL', 'NO', 'PL', 'PT', 'SE'] as const
// Account Check through the SDKs adds CZ (Tink Link SDK references, account check).
export const ACCOUNT_CHECK_SDK_MARKETS = [...TRANSACTIONS_MARKETS, 'CZ'] as const
// Products flow (Tink Link web reference, products: market "ES" or "SE").
export const PRODUCTS_MARKETS = ['ES', 'SE'] as const
// Account Check in Tink Link web (Tink Link web reference, account-check).
export const ACCOUNT_CHECK_MARKETS = ['DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'NL', 'NO', 'SE', 'EE', 'LT', 'LV'] as const
// Income Check (Tink Link web reference, income-check).
export const INCOME_CHECK_MARKETS = ['BE', 'DE', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'NL', 'NO', 'PT', 'SE'] as const
// Risk Insights (Tink Link web reference, risk-insights).
export const RISK_INSIGHTS_MARKETS = ['BE', 'DE', 'ES', 'FI', 'FR', 'GB', 'NL', 'SE'] as const
// Payment Initiation, the `pay` flow (Tink Link web reference, payments).
export const PAY_MARKETS = ['AT', 'DE', 'EE', 'ES', 'FR', 'GB', 'IT', 'LT', 'NL', 'NO', 'PT', 'SE'] as const
// Expense Check (Tink Link web reference, expense-check).
export const EXPENSE_CHECK_MARKETS = ['DK', 'FR', 'DE', 'PT', 'SE', 'GB'] as const
// The US market appears only in Tink's US Postman collections (tink-ab/tink-postman-us, `market: US`).
export const US_MARKETS = ['US'] as const

/**
 * Every market in any of Tink's lists. A market outside all of them is refused with 400: that
 * is the emulator's choice (Tink adds markets; the live service may accept more).
 */
export const TINK_MARKETS: ReadonlySet<string> = new Set<string>([
  ...ACCOUNT_CHECK_SDK_MARKETS,
  ...PRODUCTS_MARKETS,
  ...ACCOUNT_CHECK_MARKETS,
  ...INCOME_CHECK_MARKETS,
  ...RISK_INSIGHTS_MARKETS,
  ...PAY_MARKETS,
  ...EXPENSE_CHECK_MARKETS,
  ...US_MARKETS,
])

// Tink Link web references (tink-link-web-api-reference-transactions and the other tink-link-web-api-reference-* pages), `locale`: 16 values; de_AT is not one.
export const LINK_LOCALES = [
  'da_DK',
  'de_DE',
  'en_US',
  'en_GB',
  'es_ES',
  'fi_FI',
  'fr_FR',
  'it_IT',
  'nl_NL',
  'no_NO',
  'pt_PT',
  'pl_PL',
  'sv_SE',
  'et_EE',
  'lt_LT',
  'lv_LV',
] as const
// Tink Link SDK references add cs_CZ.
export const SDK_LOCALES = [...LINK_LOCALES, 'cs_CZ'] as const

const LINK_LOCALE_SET: ReadonlySet<string> = new Set(LINK_LOCALES)
const USER_LOCALE_SET: ReadonlySet<string> = new Set(SDK_LOCALES)

export const isTinkMarket = (v: unknown): v is string => typeof v === 'string' && TINK_MARKETS.has(v)
/** A locale Tink Link serves. */
export const isLinkLocale = (v: unknown): v is string => typeof v === 'string' && LINK_LOCALE_SET.has(v)
/** A locale a user may be created with: Tink Link's and the SDKs'. */
export const isUserLocale = (v: unknown): v is string => typeof v === 'string' && USER_LOCALE_SET.has(v)

// Currencies of the demo accounts (ISO 4217 for each market's country).
const CURRENCY: Record<string, string> = {GB: 'GBP', SE: 'SEK', DK: 'DKK', NO: 'NOK', PL: 'PLN', CZ: 'CZK', US: 'USD'}
export const currencyOf = (market: string): string => CURRENCY[market] ?? 'EUR'

// IANA time zones of the markets, for GET /api/v1/user's profile.timeZone.
const TIME_ZONES: Record<string, string> = {
  AT: 'Europe/Vienna',
  BE: 'Europe/Brussels',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  EE: 'Europe/Tallinn',
  ES: 'Europe/Madrid',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  IE: 'Europe/Dublin',
  IT: 'Europe/Rome',
  LT: 'Europe/Vilnius',
  LV: 'Europe/Riga',
  NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo',
  PL: 'Europe/Warsaw',
  PT: 'Europe/Lisbon',
  SE: 'Europe/Stockholm',
  US: 'America/New_York',
}
export const timeZoneOf = (market: string): string => TIME_ZONES[market] ?? 'Europe/Stockholm'
