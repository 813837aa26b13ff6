// `tink api`'s services called directly (parsing is tested apart, through the command): the
// request framed from typed fields, and --paginate's walk over pages, with the sender given.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {paginate} from '../../../dist/lib/services/api/pages.js'
import {apiPath, apiRequest} from '../../../dist/lib/services/api/request.js'

/** A sender answering the pages of `pages` by pageToken ('' = the first), recording each request's query. */
function pagedSender(pages) {
  const asked = []
  const send = async (spec) => {
    asked.push(spec.query)
    const token = spec.query?.pageToken ?? ''
    const body = pages[token]
    if (body === undefined) throw new Error(`no page for token ${token}`)
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    return {status: 200, headers: {}, body: text, bytes: Buffer.from(text)}
  }
  return {send, asked}
}

const spec = {method: 'GET', path: '/data/v2/transactions', what: 'GET /data/v2/transactions', query: {pageSize: ['2']}}

describe('paginate', () => {
  test('follows nextPageToken to the last page, handing every item over in order, the query kept', async () => {
    const {send, asked} = pagedSender({
      '': {transactions: [1, 2], nextPageToken: 'b'},
      b: {transactions: [3, 4], nextPageToken: 'c'},
      c: {transactions: [5], nextPageToken: ''},
    })
    const items = []
    const r = await paginate({spec, send, maxPages: 10, onItems: (list) => void items.push(...list)})
    assert.deepEqual(r, {paged: true, pages: 3})
    assert.deepEqual(items, [1, 2, 3, 4, 5])
    assert.deepEqual(asked, [{pageSize: ['2']}, {pageSize: ['2'], pageToken: 'b'}, {pageSize: ['2'], pageToken: 'c'}])
  })

  test('a repeated nextPageToken stops the walk (the pages would never end), after the items of the pages fetched', async () => {
    const {send} = pagedSender({'': {accounts: ['a'], nextPageToken: 'x'}, x: {accounts: ['b'], nextPageToken: 'y'}, y: {accounts: ['c'], nextPageToken: 'x'}})
    const items = []
    const r = await paginate({spec, send, maxPages: 100, onItems: (list) => void items.push(...list)})
    assert.deepEqual(r, {paged: true, pages: 3, stopped: 'repeated-token'})
    assert.deepEqual(items, ['a', 'b', 'c'])
  })

  test('maxPages stops a server that has more pages', async () => {
    let n = 0
    const send = async () => {
      const text = JSON.stringify({accounts: [++n], nextPageToken: `t${n}`})
      return {status: 200, headers: {}, body: text, bytes: Buffer.from(text)}
    }
    const r = await paginate({spec, send, maxPages: 4, onItems: () => {}})
    assert.deepEqual(r, {paged: true, pages: 4, stopped: 'max-pages'})
    assert.equal(n, 4, 'no page fetched beyond maxPages')
  })

  test('an answer that is not a page is returned as received, never an empty list', async () => {
    const {send} = pagedSender({'': {id: 'u1', appId: 'app'}})
    const r = await paginate({spec, send, maxPages: 10, onItems: () => assert.fail('no items of a non-page')})
    assert.equal(r.paged, false)
    assert.deepEqual(r.body, {id: 'u1', appId: 'app'})
    assert.equal(r.response.body, '{"id":"u1","appId":"app"}')
  })

  test('a later answer that is not a page fails with exit 5, saying how many pages came before it', async () => {
    const {send} = pagedSender({'': {accounts: [1], nextPageToken: 'n'}, n: 'not json'})
    const items = []
    await assert.rejects(paginate({spec, send, maxPages: 10, onItems: (list) => void items.push(...list)}), (err) => {
      assert.equal(err.exitCode, 5)
      assert.match(err.message, /GET \/data\/v2\/transactions: page 2 is not a page .*the 1 pages before it were printed/)
      return true
    })
    assert.deepEqual(items, [1], 'the first page was handed over before the failure')
  })

  test('the next page is not asked for before the items of the last one are taken (back-pressure)', async () => {
    const {send: answer} = pagedSender({'': {accounts: [1], nextPageToken: 'n'}, n: {accounts: [2], nextPageToken: ''}})
    const events = []
    const send = (s) => {
      events.push('send')
      return answer(s)
    }
    const onItems = async (list) => {
      events.push(`take ${list}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
      events.push(`took ${list}`)
    }
    await paginate({spec, send, maxPages: 10, onItems})
    assert.deepEqual(events, ['send', 'take 1', 'took 1', 'send', 'take 2', 'took 2'])
  })
})

describe('apiRequest and apiPath', () => {
  test('fields are the query of a GET (repeated keys kept), a form by default otherwise, JSON when asked', () => {
    const fields = [
      ['pageSize', '5'],
      ['typeIn', 'A'],
      ['typeIn', 'B'],
    ]
    const get = apiRequest({method: 'GET', path: '/data/v2/accounts', fields, headers: {}, jsonBody: false})
    assert.deepEqual(get.query, {pageSize: ['5'], typeIn: ['A', 'B']})
    assert.equal(get.form, undefined)
    assert.equal(get.retry, true)
    const post = apiRequest({method: 'POST', path: '/api/v1/user/create', fields: [['market', 'GB']], headers: {}, jsonBody: false})
    assert.deepEqual(post.form, {market: 'GB'})
    assert.equal(post.retry, false, 'a POST is not retried')
    const json = apiRequest({method: 'POST', path: '/api/v1/user/create', fields: [['market', 'GB']], headers: {'idempotency-key': 'k1'}, jsonBody: true})
    assert.deepEqual(json.json, {market: 'GB'})
    assert.equal(json.retry, true, 'a POST with an Idempotency-Key is retried')
  })

  test("a raw body gets a content type from its first bytes unless one was given; the caller's headers are left alone", () => {
    const headers = {}
    const jsonBody = apiRequest({method: 'PUT', path: '/x', fields: [], headers, jsonBody: false, body: Buffer.from('  {"a":1}')})
    assert.equal(jsonBody.headers['content-type'], 'application/json')
    assert.deepEqual(headers, {})
    const pdf = apiRequest({method: 'POST', path: '/x', fields: [], headers: {}, jsonBody: false, body: Buffer.from('%PDF-1.7')})
    assert.equal(pdf.headers['content-type'], 'application/octet-stream')
    const given = apiRequest({method: 'POST', path: '/x', fields: [], headers: {'content-type': 'text/csv'}, jsonBody: false, body: Buffer.from('[1]')})
    assert.equal(given.headers['content-type'], 'text/csv')
  })

  test('a URL on the API base URL becomes its path; another origin is refused, so the token stays home', () => {
    assert.equal(apiPath('data/v2/accounts', 'https://api.tink.com'), '/data/v2/accounts')
    assert.equal(apiPath('https://proxy.example/tink/data/v2/accounts?x=1', 'https://proxy.example/tink/'), '/data/v2/accounts?x=1')
    assert.throws(() => apiPath('https://evil.example/data/v2/accounts', 'https://api.tink.com'), (err) => {
      assert.equal(err.exitCode, 2)
      assert.match(err.message, /https:\/\/evil.example is not the API base URL \(https:\/\/api.tink.com\)/)
      return true
    })
    assert.throws(() => apiPath('//evil.example/x', 'https://api.tink.com'), (err) => err.exitCode === 2)
  })
})
