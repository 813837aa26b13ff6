// Helpers of the bulk test files (test/e2e/bulk.test.js, test/lib/bulk/input.test.js): input files, NDJSON rows,
// and the emulator's users.
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

export const CREATE = '/api/v1/user/create'
export const TOKEN = '/api/v1/oauth/token'
/** The faults of issue 5's proofs. */
export const FAULTS = '503=0.1,429=0.05,reset-after-commit=0.02,retry-after=0'

/** A CSV file of `n` users named `${prefix}${i}`. */
export function csv(n, prefix, {header = 'external_user_id,market,locale', row = (i) => `${prefix}${i},GB,en_US`} = {}) {
  const lines = [header]
  for (let i = 0; i < n; i++) lines.push(row(i))
  return lines.join('\n') + '\n'
}

/** writeFile(name, text) in `dir`, returning the path. */
export const fileWriter = (dir) => (name, text) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

export const lines = (stdout) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))

export function statuses(rows) {
  const out = {}
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1
  return out
}

/** The emulator's users of one test (by external id prefix), failing on any duplicate. */
export function usersWithPrefix(emu, prefix) {
  const users = emu.users().filter((u) => u.external_user_id?.startsWith(prefix))
  const ids = new Set(users.map((u) => u.external_user_id))
  assert.equal(ids.size, users.length, 'some external id exists twice')
  return users
}

/**
 * A server that imitates Tink's per-app rate limit: a token bucket of `rate` requests per second
 * with a burst of `rate`, 429 with Retry-After (unless `retryAfter` is null) and Tink's error body
 * beyond it, answers after `latencyMs`. `status(n, server)` may answer the nth create otherwise (a
 * 503 storm; `server.inProgress`: the requests it holds unanswered). It counts what it saw: {requests, byStatus} and the users it created by external id.
 */
export async function rateLimitedServer({rate, latencyMs = 0, queueMs = 0, retryAfter = '1', status} = {}) {
  const {createServer} = await import('node:http')
  // queueMs: each answer waits that much longer per request in progress, as at a saturated server.
  const s = {rate, latencyMs, queueMs, retryAfter, status, requests: 0, byStatus: {}, created: new Map(), creates: 0, inProgress: 0}
  let tokens = rate ?? 0
  let last = performance.now()
  const take = () => {
    if (s.rate === undefined) return true
    const now = performance.now()
    tokens = Math.min(s.rate, tokens + ((now - last) / 1000) * s.rate)
    last = now
    if (tokens < 1) return false
    tokens--
    return true
  }
  const answer = (res, code, body, headers = {}) => {
    s.byStatus[code] = (s.byStatus[code] ?? 0) + 1
    s.inProgress++
    setTimeout(() => {
      s.inProgress--
      res.writeHead(code, {'content-type': 'application/json', ...headers})
      res.end(JSON.stringify(body))
    }, s.latencyMs + s.queueMs * s.inProgress)
  }
  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8').on('data', (d) => (text += d))
    req.on('end', () => {
      s.requests++
      if (!take()) {
        return answer(res, 429, {errorMessage: 'Rate limit exceeded', errorCode: 'RATE_LIMIT_EXCEEDED'}, s.retryAfter === null ? {} : {'retry-after': s.retryAfter})
      }
      if (req.url === '/api/v1/oauth/token') return answer(res, 200, {access_token: 'tok', token_type: 'bearer', expires_in: 1800, scope: 'user:create'})
      const n = ++s.creates
      const special = s.status?.(n, s)
      if (special) return answer(res, special, {errorMessage: 'Service unavailable', errorCode: 'UNAVAILABLE'})
      const ext = JSON.parse(text).external_user_id
      s.created.set(ext, (s.created.get(ext) ?? 0) + 1)
      answer(res, 200, {user_id: String(n).padStart(32, '0'), external_user_id: ext})
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  s.env = {TINK_API_URL: `http://127.0.0.1:${server.address().port}`, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'}
  s.close = () => new Promise((r) => server.close(r))
  return s
}
