/**
 * Fault injection: the emulator's reason to exist beyond the happy path.
 *
 * Grammar (comma-separated entries, whitespace around entries ignored):
 *   spec     := "" | "none" | entry ("," entry)*
 *   entry    := [endpoint ":"] kind "=" value
 *   endpoint := token | grant | delegate | create | delete
 *   kind     := 500 | 502 | 503 | 429 | reset | reset-after-commit | malformed   value: rate 0..1 or N%
 *             | latency       value: N | Nms | Ns   (added delay per request)
 *             | retry-after   value: integer seconds | date   (for 429 answers; default 1)
 * An entry with an endpoint prefix overrides the unprefixed entry of the same kind for
 * that endpoint only. Unprefixed entries apply to every Tink path (never /__emulator/).
 */
import {err, type Reply} from './context.js'

export const FAULT_ENDPOINTS = ['token', 'grant', 'delegate', 'create', 'delete'] as const
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number]

export const RATE_KINDS = ['reset', '500', '502', '503', '429', 'malformed', 'reset-after-commit'] as const
export type RateKind = (typeof RATE_KINDS)[number]

export interface FaultSet {
  '500'?: number
  '502'?: number
  '503'?: number
  '429'?: number
  /** Destroy the socket (TCP RST) before reading the request. */
  reset?: number
  /** Do the work (create the user, store the idempotency record), then RST without answering. */
  'reset-after-commit'?: number
  /** Answer 200 with a body that is not valid JSON, without doing the work. */
  malformed?: number
  latencyMs?: number
  /** Retry-After for injected 429s: seconds, or 'date' for an HTTP date. Default 1 s. */
  retryAfter?: number | 'date'
}

export interface FaultSpec {
  all?: FaultSet
  token?: FaultSet
  grant?: FaultSet
  delegate?: FaultSet
  create?: FaultSet
  delete?: FaultSet
}

/** What one endpoint's requests are subject to, precomputed so the hot path is a lookup. */
export interface ResolvedFaults {
  /** Cumulative thresholds for the single "before the work" draw. */
  pre: Array<{kind: Exclude<RateKind, 'reset-after-commit'>; upTo: number}>
  resetAfterCommit: number
  latencyMs: number
  retryAfter: number | 'date'
}

function parseRate(value: string, entry: string): number {
  const pct = value.endsWith('%')
  const n = Number(pct ? value.slice(0, -1) : value)
  const rate = pct ? n / 100 : n
  if (value === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`bad fault spec entry "${entry}": rate must be a number from 0 to 1 (or 0%..100%)`)
  }
  return rate
}

function parseDuration(value: string, entry: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(value)
  if (!m) throw new Error(`bad fault spec entry "${entry}": latency must look like 20ms, 1s or 20`)
  const ms = m[2] === 's' ? Number(m[1]) * 1000 : Number(m[1])
  if (ms > 600_000) throw new Error(`bad fault spec entry "${entry}": latency above 10 minutes`)
  return ms
}

export function parseFaultSpec(s: string): FaultSpec {
  const spec: FaultSpec = {}
  const text = s.trim()
  if (text === '' || text === 'none') return spec
  for (const raw of text.split(',')) {
    const entry = raw.trim()
    if (entry === '') throw new Error(`bad fault spec "${s}": empty entry`)
    const eq = entry.indexOf('=')
    if (eq < 0) throw new Error(`bad fault spec entry "${entry}": expected KIND=VALUE, e.g. 503=0.1 or latency=20ms`)
    let key = entry.slice(0, eq).trim()
    const value = entry.slice(eq + 1).trim()
    let target: keyof FaultSpec = 'all'
    const colon = key.indexOf(':')
    if (colon >= 0) {
      const ep = key.slice(0, colon).trim()
      if (!(FAULT_ENDPOINTS as readonly string[]).includes(ep)) {
        throw new Error(`bad fault spec entry "${entry}": unknown endpoint "${ep}" (known: ${FAULT_ENDPOINTS.join(', ')})`)
      }
      target = ep as FaultEndpoint
      key = key.slice(colon + 1).trim()
    }
    const set: FaultSet = (spec[target] ??= {})
    if ((RATE_KINDS as readonly string[]).includes(key)) {
      set[key as RateKind] = parseRate(value, entry)
    } else if (key === 'latency') {
      set.latencyMs = parseDuration(value, entry)
    } else if (key === 'retry-after') {
      if (value === 'date') set.retryAfter = 'date'
      else if (/^\d+$/.test(value)) set.retryAfter = Number(value)
      else throw new Error(`bad fault spec entry "${entry}": retry-after must be whole seconds or "date"`)
    } else {
      throw new Error(`bad fault spec entry "${entry}": unknown kind "${key}" (known: ${RATE_KINDS.join(', ')}, latency, retry-after)`)
    }
  }
  return spec
}

/** Objects passed by code get the same checks as parsed strings. */
export function validateFaultSpec(spec: FaultSpec): FaultSpec {
  for (const [target, set] of Object.entries(spec) as Array<[string, FaultSet | undefined]>) {
    if (target !== 'all' && !(FAULT_ENDPOINTS as readonly string[]).includes(target)) {
      throw new Error(`bad fault spec: unknown endpoint "${target}"`)
    }
    if (!set) continue
    for (const kind of RATE_KINDS) {
      const r = set[kind]
      if (r !== undefined && !(typeof r === 'number' && r >= 0 && r <= 1)) {
        throw new Error(`bad fault spec: ${target}.${kind} must be a number from 0 to 1`)
      }
    }
    if (set.latencyMs !== undefined && !(typeof set.latencyMs === 'number' && set.latencyMs >= 0)) {
      throw new Error(`bad fault spec: ${target}.latencyMs must be a number >= 0`)
    }
    const ra = set.retryAfter
    if (ra !== undefined && ra !== 'date' && !(Number.isInteger(ra) && ra >= 0)) {
      throw new Error(`bad fault spec: ${target}.retryAfter must be whole seconds or "date"`)
    }
  }
  return spec
}

export function resolveFaults(spec: FaultSpec, endpoint: FaultEndpoint | undefined): ResolvedFaults | undefined {
  const set: FaultSet = {...spec.all, ...(endpoint ? spec[endpoint] : undefined)}
  const pre: ResolvedFaults['pre'] = []
  let acc = 0
  for (const kind of RATE_KINDS) {
    if (kind === 'reset-after-commit') continue
    const r = set[kind] ?? 0
    if (r > 0) {
      acc += r
      pre.push({kind, upTo: acc})
    }
  }
  const resetAfterCommit = set['reset-after-commit'] ?? 0
  const latencyMs = set.latencyMs ?? 0
  if (pre.length === 0 && resetAfterCommit === 0 && latencyMs === 0) return undefined
  return {pre, resetAfterCommit, latencyMs, retryAfter: set.retryAfter ?? 1}
}

/** mulberry32: tiny, fast, and good enough to make fault sequences reproducible from --seed. */
export function makePrng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An injected fault's answer. */
export function injected(kind: string, faults: ResolvedFaults): Reply {
  switch (kind) {
    case '500':
      return err(500, 'internal_error', 'Internal server error (emulator fault injection)')
    case '502':
      return err(502, 'bad_gateway', 'Bad gateway (emulator fault injection)')
    case '503':
      return err(503, 'service_unavailable', 'Service temporarily unavailable (emulator fault injection)')
    case '429': {
      const ra = faults.retryAfter
      // An HTTP date has whole-second resolution, so aim 2 s out to keep it in the future.
      const value = ra === 'date' ? new Date(Date.now() + 2000).toUTCString() : String(ra)
      return err(429, 'rate_limited', 'Too many requests (emulator fault injection)', {'retry-after': value})
    }
    default:
      return {status: 200, body: '{"errorMessage": "truncated by emulator fault inj'}
  }
}
