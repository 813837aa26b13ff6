/**
 * Markets and locales as Tink lists them. A market is checked as an ISO 3166-1 alpha-2 code
 * (anything else is a typo: a usage error); a code outside every Tink list is only a warning, as
 * Tink adds markets and the user may know better.
 */

/** ISO 3166-1 alpha-2 codes officially assigned (249): the shape of a market code. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'.split(
    ' ',
  ),
)

// Tink Link web references, "Markets" tables (tink-link-web-api-reference-transactions, -business-transactions, -payment-initiation).
export const MARKETS_TRANSACTIONS: readonly string[] = [
  'AT',
  'BE',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'IE',
  'IT',
  'LT',
  'LV',
  'NL',
  'NO',
  'PL',
  'PT',
  'SE',
]
// Account Check SDK reference (resources/account-check): the Transactions markets and CZ.
export const MARKETS_ACCOUNT_CHECK_SDK: readonly string[] = [...MARKETS_TRANSACTIONS, 'CZ']
// tink-link-web-api-reference-account-check, "Markets".
export const MARKETS_ACCOUNT_CHECK_LINK: readonly string[] = ['DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'NL', 'NO', 'SE', 'EE', 'LT', 'LV']
// tink-link-web-api-reference-products, "Markets".
export const MARKETS_PRODUCTS: readonly string[] = ['ES', 'SE']
// tink-link-web-api-reference-income-check, "Markets".
export const MARKETS_INCOME_CHECK: readonly string[] = ['BE', 'DE', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'NL', 'NO', 'PT', 'SE']
// tink-link-web-api-reference-risk-insights, "Markets".
export const MARKETS_RISK_INSIGHTS: readonly string[] = ['BE', 'DE', 'ES', 'FI', 'FR', 'GB', 'NL', 'SE']
// tink-link-web-api-reference-payment-initiation, "Markets" (flow `pay`).
export const MARKETS_PAY: readonly string[] = ['AT', 'DE', 'EE', 'ES', 'FR', 'GB', 'IT', 'LT', 'NL', 'NO', 'PT', 'SE']
// resources/expense-check (Expense Check SDK reference), "Markets".
export const MARKETS_EXPENSE_CHECK: readonly string[] = ['DK', 'FR', 'DE', 'PT', 'SE', 'GB']
// tink-ab/tink-postman-us: the US collections create users and build Link URLs with market US.
export const MARKETS_US: readonly string[] = ['US']

/** Every market some Tink list names: a code outside it is warned about, never refused. */
export const TINK_MARKETS: ReadonlySet<string> = new Set([...MARKETS_ACCOUNT_CHECK_SDK, ...MARKETS_US])

// The "Locales" table of every Tink Link web reference page (16; the SDK references add cs_CZ).
export const TINK_LOCALES: readonly string[] = [
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
]

/**
 * tink's choice, not Tink's: Tink documents no default locale per market, and the seed contract of
 * user/create requires one. The Tink locale of the market's main language where Tink has one
 * (AT de_DE, BE nl_NL, IE en_GB); en_US for every other market (CZ included: cs_CZ is not a Link locale).
 */
const MAIN_LANGUAGE_LOCALE: Readonly<Record<string, string>> = {
  AT: 'de_DE',
  BE: 'nl_NL',
  DE: 'de_DE',
  DK: 'da_DK',
  EE: 'et_EE',
  ES: 'es_ES',
  FI: 'fi_FI',
  FR: 'fr_FR',
  GB: 'en_GB',
  IE: 'en_GB',
  IT: 'it_IT',
  LT: 'lt_LT',
  LV: 'lv_LV',
  NL: 'nl_NL',
  NO: 'no_NO',
  PL: 'pl_PL',
  PT: 'pt_PT',
  SE: 'sv_SE',
  US: 'en_US',
}

export function isMarket(value: unknown): value is string {
  return typeof value === 'string' && ISO_COUNTRIES.has(value)
}

/** Tink locales look like en_US: ISO 639-1 language, underscore, ISO 3166-1 country. */
export function isLocale(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = /^([a-z]{2})_([A-Z]{2})$/.exec(value)
  return m !== null && ISO_COUNTRIES.has(m[2])
}

/** The locale a user in `market` gets when none is given (SE -> sv_SE, AT -> de_DE, JP -> en_US). */
export function defaultLocale(market: string): string {
  return MAIN_LANGUAGE_LOCALE[market] ?? 'en_US'
}

/** The warning for a market no Tink list names, or undefined for a Tink market. */
export function marketWarning(market: string): string | undefined {
  if (TINK_MARKETS.has(market)) return undefined
  return `market ${market} is in none of Tink's market lists (${[...TINK_MARKETS].sort().join(' ')}); sending it anyway, as Tink adds markets`
}

/** The warning for a locale Tink Link does not list, or undefined. */
export function localeWarning(locale: string): string | undefined {
  if (TINK_LOCALES.includes(locale)) return undefined
  return `locale ${locale} is not one of Tink Link's locales (${TINK_LOCALES.join(' ')}); sending it anyway`
}
