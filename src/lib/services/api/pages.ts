/**
 * `tink api --paginate`: follows nextPageToken page by page, handing each page's items to the
 * caller as they arrive (who prints them, or streams them: memory stays flat however many pages
 * come). A repeated token or `maxPages` stops it, saying why; an answer without pages is
 * returned as received, never dropped.
 */
import {CliError, ExitCode} from '../../errors/cli-error.js'
import type {HttpResponse, RequestSpec} from '../../http/client.js'
import {parseJson} from './request.js'

export interface PaginateOptions {
  /** The first page's request; pageToken is added to its query for the next ones. */
  spec: RequestSpec
  send: (spec: RequestSpec) => Promise<HttpResponse>
  maxPages: number
  /** Every response, as it arrives. */
  onResponse?: (res: HttpResponse) => void
  /** The items of each page in order; awaited (the caller's back-pressure). */
  onItems: (items: unknown[]) => void | Promise<void>
}

export type Paginated =
  /** The first answer was not a page: its body, as received. */
  | {paged: false; response: HttpResponse; body: unknown}
  /**
   * Pages followed; `stopped` when the server had more but they were not fetched: the last page
   * repeated an earlier page's nextPageToken (the pages would never end), or maxPages were fetched.
   */
  | {paged: true; pages: number; stopped?: 'repeated-token' | 'max-pages'}

/** The one array of a page, when the answer is a page: an object with a nextPageToken field. */
function pageItems(body: unknown): unknown[] | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined
  const record = body as Record<string, unknown>
  if (!('nextPageToken' in record)) return undefined
  const lists = Object.values(record).filter((v) => Array.isArray(v))
  return lists.length === 1 ? (lists[0] as unknown[]) : undefined
}

export async function paginate(o: PaginateOptions): Promise<Paginated> {
  const {spec} = o
  const seen = new Set<string>()
  let pageToken: string | undefined
  let page = 1
  for (; ; page++) {
    const query = {...spec.query, ...(pageToken ? {pageToken} : {})}
    const res = await o.send({...spec, query})
    o.onResponse?.(res)
    const body = parseJson(res.body)
    const list = pageItems(body)
    if (!list) {
      if (page > 1)
        throw new CliError(`${spec.what}: page ${page} is not a page (no nextPageToken and one list); the ${page - 1} pages before it were printed`, {
          exitCode: ExitCode.UNAVAILABLE,
          code: 'invalid_response',
        })
      return {paged: false, response: res, body}
    }
    await o.onItems(list)
    const next = (body as {nextPageToken?: unknown}).nextPageToken
    if (typeof next !== 'string' || !next) return {paged: true, pages: page}
    if (seen.has(next)) return {paged: true, pages: page, stopped: 'repeated-token'}
    if (page >= o.maxPages) return {paged: true, pages: page, stopped: 'max-pages'}
    seen.add(next)
    pageToken = next
  }
}
