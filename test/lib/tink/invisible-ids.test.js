// Issue 23: zero-width and bidirectional-override characters in an external id were accepted,
// sent to Tink and printed raw. A single command refuses them before any request: exit 2, one
// line naming the code point and where it is (the id itself may not show it).
import assert from 'node:assert/strict'
import {after, before, describe, test} from 'node:test'
import {runTink} from '../../support/in-process.js'
import {startTinkServer} from '../../support/tink-server.js'

const INVISIBLE = [
  ['\u200b', 'U+200B', 'ZERO WIDTH SPACE'],
  ['\u200c', 'U+200C', 'ZERO WIDTH NON-JOINER'],
  ['\u200d', 'U+200D', 'ZERO WIDTH JOINER'],
  ['\u2060', 'U+2060', 'WORD JOINER'],
  ['\ufeff', 'U+FEFF', 'ZERO WIDTH NO-BREAK SPACE'],
  ['\u00ad', 'U+00AD', 'SOFT HYPHEN'],
  ['\u200e', 'U+200E', 'LEFT-TO-RIGHT MARK'],
  ['\u200f', 'U+200F', 'RIGHT-TO-LEFT MARK'],
  ['\u202a', 'U+202A', 'LEFT-TO-RIGHT EMBEDDING'],
  ['\u202d', 'U+202D', 'LEFT-TO-RIGHT OVERRIDE'],
  ['\u202e', 'U+202E', 'RIGHT-TO-LEFT OVERRIDE'],
  ['\u2066', 'U+2066', 'LEFT-TO-RIGHT ISOLATE'],
  ['\u2067', 'U+2067', 'RIGHT-TO-LEFT ISOLATE'],
  ['\u2069', 'U+2069', 'POP DIRECTIONAL ISOLATE'],
  ['\u061c', 'U+061C', 'ARABIC LETTER MARK'],
  ['\u{e0041}', 'U+E0041', ''],
  ['\u0085', 'U+0085', ''],
  ['\u3164', 'U+3164', ''],
]

describe('invisible characters in a user id (single commands)', () => {
  let srv
  before(async () => {
    srv = await startTinkServer()
  })
  after(() => srv?.close())
  const env = () => ({TINK_API_URL: srv.url, TINK_CLIENT_ID: 'c', TINK_CLIENT_SECRET: 's'})

  for (const [ch, code, name] of INVISIBLE) {
    for (const [where, id, at] of [['inside', `acme${ch}42`, 5], ['first', `${ch}acme42`, 1], ['last', `acme42${ch}`, 7]]) {
      test(`${code} ${where}: exit 2 naming the code point and its place, nothing sent`, async () => {
        const before = srv.requests.length
        for (const args of [['user', 'create', '--external-user-id', id, '--market', 'GB'], ['user', 'get', '-e', id], ['token', 'revoke', '-e', id, '--yes'], ['user', 'delete', '--user-id', id, '--yes']]) {
          const r = await runTink(args, {env: env()})
          assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
          const lines = r.stderr.trim().split('\n')
          assert.equal(lines.length, 1, r.stderr)
          assert.match(lines[0], new RegExp(`contains an invisible character, ${code.replace('+', '\\+')}${name ? ` \\(${name}` : ''}.* at character ${at}`))
        }
        assert.equal(srv.requests.length, before, 'no request sent')
      })
    }
  }

  test('visible ids of any script still pass: accents, CJK, Arabic and Hebrew letters, emoji with a variation selector', async () => {
    for (const id of ['åsa-öberg', '用户42', 'مستخدم', 'משתמש', 'acme|42', 'star-\u2b50\ufe0f', 'a b']) {
      const r = await runTink(['user', 'create', '--external-user-id', id, '--market', 'GB', '--retries', '0'], {env: env()})
      assert.doesNotMatch(r.stderr, /invisible character/, id)
    }
  })
})
