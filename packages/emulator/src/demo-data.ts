/**
 * Demo bank data: what a successful Tink Link connection (or --demo-data) leaves behind for
 * the data endpoints to read. Everything is drawn from one PRNG so a given seed gives the same
 * ids, amounts and descriptions on every run (dates are relative to the emulator clock).
 */
import {makePrng} from './faults.js'
import {currencyOf} from './tables/markets.js'
import type {AccountRecord, CredentialsRecord, TransactionRecord, UserData} from './state.js'

export const DEMO_PROVIDER = 'uk-demobank-open-banking-redirect'
/** Tink's open-banking consents last 90 days (PSD2); the demo session does too. */
export const SESSION_MS = 90 * 24 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

/** The demo bank's one account holder (Tink's data v2 examples name theirs John Doe). */
export const DEMO_HOLDER = {name: 'Demo User', ssn: '19800101-0000', dateOfBirth: '1980-01-01'}
const DEMO_FINANCIAL_INSTITUTION = 'f58e31ebaf625c15a9601aa4deac83d0'

const MERCHANTS: ReadonlyArray<[string, string, number, number]> = [
  // description, category, min and max amount in minor units (negative = money out)
  ['Tesco Stores', 'expenses:food.groceries', -9000, -800],
  ['Pret A Manger', 'expenses:food.coffee', -1200, -250],
  ['Transport for London', 'expenses:transport.publictransport', -900, -170],
  ['Amazon Marketplace', 'expenses:shopping.other', -15000, -500],
  ['Shell Petrol', 'expenses:transport.car', -8000, -2000],
  ['Netflix', 'expenses:entertainment.other', -1599, -1099],
  ['Demo Energy Ltd', 'expenses:house.utilities', -12000, -4000],
  ['Cash machine', 'expenses:misc.withdrawals', -10000, -2000],
  ['Salary DEMO EMPLOYER', 'income:salary', 210000, 320000],
  ['Transfer from savings', 'transfers:savings', 5000, 50000],
]

/** 32 lower-case hex characters, like Tink's ids, from the PRNG (so ids follow the seed). */
function hexId(rand: () => number): string {
  let s = ''
  for (let i = 0; i < 4; i++)
    s += Math.floor(rand() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')
  return s
}

const between = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1))

/** Mixes the emulator seed with a connection counter into a PRNG seed (splitmix-like). */
export function connectionPrng(seed: number, n: number): () => number {
  let x = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0
  return makePrng((x ^ (x >>> 16)) >>> 0)
}

export function newCredentials(rand: () => number, userId: string, now: number, status: CredentialsRecord['status'] = 'UPDATED'): CredentialsRecord {
  return {
    id: hexId(rand),
    userId,
    providerName: DEMO_PROVIDER,
    type: 'THIRD_PARTY_APP',
    status,
    statusUpdated: now,
    statusPayload:
      status === 'UPDATED'
        ? 'Analyzed 2 accounts from Demo Bank.'
        : status === 'AUTHENTICATION_ERROR'
          ? 'Incorrect login credentials.'
          : 'Demo Bank is temporarily unavailable.',
    updated: now,
    sessionExpiryDate: now + SESSION_MS,
  }
}

/** One connected Demo Bank: UPDATED credentials, a current and a savings account, 250-350 transactions. */
export function connectDemoBank(data: UserData, rand: () => number, userId: string, market: string, now: number): CredentialsRecord {
  const credentials = newCredentials(rand, userId, now)
  const currency = currencyOf(market)
  const accounts: AccountRecord[] = (['CHECKING', 'SAVINGS'] as const).map((type) => {
    const booked = type === 'CHECKING' ? between(rand, 50_000, 500_000) : between(rand, 100_000, 2_000_000)
    return {
      id: hexId(rand),
      credentialsId: credentials.id,
      name: type === 'CHECKING' ? 'Demo Current Account' : 'Demo Savings Account',
      type,
      currency,
      bookedMinor: booked,
      availableMinor: booked + (type === 'CHECKING' ? 100_000 : 0),
      iban: `GB${between(rand, 10, 99)}DEMO${String(between(rand, 100000, 999999))}${String(between(rand, 10000000, 99999999))}`.slice(0, 22),
      refreshed: now,
    }
  })
  const count = between(rand, 250, 350)
  const txs: TransactionRecord[] = []
  for (let i = 0; i < count; i++) {
    // Savings see only transfers in; the current account gets everything else.
    const toSavings = rand() < 0.15
    const m = toSavings ? MERCHANTS[9] : MERCHANTS[between(rand, 0, 8)]
    const daysAgo = Math.floor((i / count) * 180) + between(rand, 0, 1)
    txs.push({
      id: hexId(rand),
      accountId: accounts[toSavings ? 1 : 0].id,
      amountMinor: between(rand, m[2], m[3]),
      currency,
      description: m[0],
      bookedDate: new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10),
      category: m[1],
    })
  }
  data.credentials.push(credentials)
  data.accounts.push(...accounts)
  // Newest first across every connection of the user; ties keep their order (stable sort).
  data.transactions = [...txs, ...data.transactions].sort((a, b) => (a.bookedDate < b.bookedDate ? 1 : a.bookedDate > b.bookedDate ? -1 : 0))
  return credentials
}

// ---- Tink's JSON shapes (data v2 amounts are {value:{unscaledValue, scale}, currencyCode}) ----

const amount = (minor: number, currencyCode: string): {value: {unscaledValue: string; scale: string}; currencyCode: string} => ({
  value: {unscaledValue: String(minor), scale: '2'},
  currencyCode,
})

export function credentialsJson(c: CredentialsRecord): Record<string, unknown> {
  return {
    id: c.id,
    providerName: c.providerName,
    type: c.type,
    status: c.status,
    statusUpdated: c.statusUpdated,
    statusPayload: c.statusPayload,
    updated: c.updated,
    fields: {},
    sessionExpiryDate: c.sessionExpiryDate,
    userId: c.userId,
  }
}

export function balancesJson(a: AccountRecord): Record<string, unknown> {
  return {
    booked: {amount: amount(a.bookedMinor, a.currency)},
    available: {amount: amount(a.availableMinor, a.currency)},
  }
}

export function accountJson(a: AccountRecord): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    balances: balancesJson(a),
    identifiers: {iban: {iban: a.iban, bban: a.iban.slice(4)}, financialInstitution: {accountNumber: a.iban.slice(-8), referenceNumbers: {}}},
    dates: {lastRefreshed: new Date(a.refreshed).toISOString()},
    financialInstitutionId: DEMO_FINANCIAL_INSTITUTION,
    customerSegment: 'PERSONAL',
  }
}

export function transactionJson(t: TransactionRecord): Record<string, unknown> {
  return {
    id: t.id,
    accountId: t.accountId,
    amount: amount(t.amountMinor, t.currency),
    descriptions: {original: t.description.toUpperCase(), display: t.description},
    dates: {booked: t.bookedDate, value: t.bookedDate},
    identifiers: {providerTransactionId: t.id.slice(0, 16)},
    types: {type: 'DEFAULT'},
    status: 'BOOKED',
    categories: {pfm: {id: t.category, name: t.category}},
    providerMutability: 'MUTABILITY_UNDEFINED',
  }
}

// Tink API reference, data v2 Get Account Balances: amounts carry value{scale, unscaledValue} and valueInMinorUnit.
const amountV2 = (minor: number, currencyCode: string): Record<string, unknown> => ({
  amount: {currencyCode, value: {scale: 2, unscaledValue: minor}, valueInMinorUnit: minor},
})

/** GET /data/v2/accounts/{id}/balances (Tink API reference, data v2, Get Account Balances). */
export function accountBalancesJson(a: AccountRecord): Record<string, unknown> {
  const creditLimit = a.availableMinor - a.bookedMinor
  return {
    accountId: a.id,
    balances: {
      bookedBalance: amountV2(a.bookedMinor, a.currency),
      availableBalanceExcludingCredit: amountV2(a.bookedMinor, a.currency),
      availableBalanceIncludingCredit: amountV2(a.availableMinor, a.currency),
    },
    creditLimit: amountV2(creditLimit, a.currency),
    refreshed: new Date(a.refreshed).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
}

/** GET /data/v2/accounts/{id}/parties (Tink API reference, data v2, Get Account Parties). */
export const partiesJson = (): Record<string, unknown> => ({parties: [{identity: {name: DEMO_HOLDER.name, ssn: DEMO_HOLDER.ssn}, role: 'HOLDER'}]})

/** One identity per connected provider (Tink API reference, data v2, List Identities). */
export function identityJson(c: CredentialsRecord): Record<string, unknown> {
  return {
    dateOfBirth: DEMO_HOLDER.dateOfBirth,
    financialInstitutionId: DEMO_FINANCIAL_INSTITUTION,
    name: DEMO_HOLDER.name,
    providerName: c.providerName,
    ssn: DEMO_HOLDER.ssn,
  }
}
