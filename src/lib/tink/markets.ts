/** ISO 3166-1 alpha-2 codes officially assigned (249); Tink markets are a subset of these. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set([
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX', 'AZ', 'BA', 'BB', 'BD', 'BE',
  'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ', 'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD',
  'CF', 'CG', 'CH', 'CI', 'CK', 'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM',
  'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR', 'GA', 'GB', 'GD', 'GE', 'GF',
  'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS', 'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU',
  'ID', 'IE', 'IL', 'IM', 'IN', 'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN',
  'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV', 'LY', 'MA', 'MC', 'MD', 'ME',
  'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ', 'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA',
  'NC', 'NE', 'NF', 'NG', 'NI', 'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM',
  'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC', 'SD', 'SE', 'SG', 'SH', 'SI',
  'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV', 'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK',
  'TL', 'TM', 'TN', 'TO', 'TR', 'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
  'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
])

export function isMarket(value: unknown): value is string {
  return typeof value === 'string' && ISO_COUNTRIES.has(value)
}

/** Tink locales look like en_US: ISO 639-1 language, underscore, ISO 3166-1 country. */
export function isLocale(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const m = /^([a-z]{2})_([A-Z]{2})$/.exec(value)
  return m !== null && ISO_COUNTRIES.has(m[2])
}

/**
 * Each market's own language (the main one, from CLDR's likely subtags; Norway as Tink writes it,
 * no_NO), so a user created without --locale gets e.g. sv_SE in SE rather than en_US everywhere.
 */
const MARKET_LANGUAGE: ReadonlyMap<string, string> = new Map(
  `
  AD:ca AE:ar AF:fa AG:en AI:en AL:sq AM:hy AO:pt AQ:en AR:es AS:sm AT:de AU:en AW:nl
  AX:sv AZ:az BA:bs BB:en BD:bn BE:nl BF:fr BG:bg BH:ar BI:rn BJ:fr BL:fr BM:en BN:ms
  BO:es BQ:en BR:pt BS:en BT:dz BV:no BW:en BY:ru BZ:en CA:en CC:ms CD:fr CF:sg CG:fr
  CH:de CI:fr CK:en CL:es CM:fr CN:zh CO:es CR:es CU:es CV:pt CW:en CX:en CY:el CZ:cs
  DE:de DJ:fr DK:da DM:en DO:es DZ:ar EC:es EE:et EG:ar EH:ar ER:ti ES:es ET:am FI:fi
  FJ:en FK:en FM:en FO:fo FR:fr GA:fr GB:en GD:en GE:ka GF:fr GG:en GH:ak GI:en GL:kl
  GM:en GN:fr GP:fr GQ:es GR:el GS:en GT:es GU:en GW:pt GY:en HK:zh HM:en HN:es HR:hr
  HT:ht HU:hu ID:id IE:en IL:he IM:en IN:hi IO:en IQ:ar IR:fa IS:is IT:it JE:en JM:en
  JO:ar JP:ja KE:sw KG:ky KH:km KI:en KM:ar KN:en KP:ko KR:ko KW:ar KY:en KZ:ru LA:lo
  LB:ar LC:en LI:de LK:si LR:en LS:st LT:lt LU:fr LV:lv LY:ar MA:ar MC:fr MD:ro ME:sr
  MF:fr MG:mg MH:en MK:mk ML:bm MM:my MN:mn MO:zh MP:en MQ:fr MR:ar MS:en MT:mt MU:fr
  MV:dv MW:en MX:es MY:ms MZ:pt NA:af NC:fr NE:ha NF:en NG:en NI:es NL:nl NO:no NP:ne
  NR:en NU:en NZ:en OM:ar PA:es PE:es PF:fr PG:en PH:en PK:ur PL:pl PM:fr PN:en PR:es
  PS:ar PT:pt PW:en PY:gn QA:ar RE:fr RO:ro RS:sr RU:ru RW:rw SA:ar SB:en SC:fr SD:ar
  SE:sv SG:en SH:en SI:sl SJ:nb SK:sk SL:en SM:it SN:wo SO:so SR:nl SS:ar ST:pt SV:es
  SX:en SY:ar SZ:en TC:en TD:ar TF:fr TG:fr TH:th TJ:tg TK:en TL:pt TM:tk TN:ar TO:to
  TR:tr TT:en TV:en TW:zh TZ:sw UA:uk UG:sw UM:en US:en UY:es UZ:uz VA:it VC:en VE:es
  VG:en VI:en VN:vi VU:bi WF:fr WS:sm YE:ar YT:fr ZA:en ZM:en ZW:sn
`
    .trim()
    .split(/\s+/)
    .map((pair) => pair.split(':') as [string, string]),
)

/** The locale a user in `market` gets when none is given: GB -> en_GB, SE -> sv_SE, US -> en_US. */
export function defaultLocale(market: string): string {
  const m = market.toUpperCase()
  return `${MARKET_LANGUAGE.get(m) ?? 'en'}_${m}`
}
