/**
 * `tink api --paginate`: follows nextPageToken page by page. Every page's items are printed (or
 * streamed, one line each, with --ndjson: memory stays flat however many pages come); a repeated
 * token or --max-pages stops it with the pages fetched printed, a line saying why and exit 6; an
 * answer without pages is printed as received, never dropped.
 */
import type {Factory, Outcome} from '../cli/factory.js'
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {HttpResponse, RequestSpec} from '../http/client.js'

export interface PageOptions {
  ndjson: boolean
  include: boolean
  maxPages: number
  printHead: (f: Factory, res: HttpResponse) => void
}

export function parseJson(text: string): unknown {
  if (!text.trim()) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The one array of a page, when the answer is a page: an object with a nextPageToken field. */
function pageItems(body: unknown): unknown[] | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined
  const record = body as Record<string, unknown>
  if (!('nextPageToken' in record)) return undefined
  const lists = Object.values(record).filter((v) => Array.isArray(v))
  return lists.length === 1 ? (lists[0] as unknown[]) : undefined
}

export async function paginate(f: Factory, spec: RequestSpec, send: (s: RequestSpec) => Promise<HttpResponse>, o: PageOptions): Promise<Outcome<unknown>> {
  const stream = o.ndjson && !f.json
  // Kept only when they are printed at the end: streamed items are written and let go.
  const items: unknown[] = []
  const seen = new Set<string>()
  let pageToken: string | undefined
  let stopped: string | undefined
  let page = 1
  for (; ; page++) {
    const query = {...spec.query, ...(pageToken ? {pageToken} : {})}
    const res = await send({...spec, query})
    if (o.include) o.printHead(f, res)
    const body = parseJson(res.body)
    const list = pageItems(body)
    if (!list) {
      if (page > 1)
        throw new CliError(`${spec.what}: page ${page} is not a page (no nextPageToken and one list); the ${page - 1} pages before it were printed`, {
          exitCode: ExitCode.UNAVAILABLE,
          code: 'invalid_response',
        })
      // No pages here: the answer as received, with a note, never an empty list in its place.
      f.print.note(`--paginate: ${spec.path.split('?')[0]} answered without nextPageToken and a list, so it has no pages; printed as received`)
      if (!f.json) f.io.stdout.write(f.io.stdout.isTTY && body !== undefined ? JSON.stringify(body, null, 2) + '\n' : res.bytes)
      return {result: body ?? res.body}
    }
    if (stream) {
      let lines = ''
      for (const item of list) lines += JSON.stringify(item) + '\n'
      if (!f.io.stdout.write(lines)) await drained(f.io.stdout)
    } else for (const item of list) items.push(item)
    const next = (body as {nextPageToken?: unknown}).nextPageToken
    if (typeof next !== 'string' || !next) break
    if (seen.has(next)) {
      stopped = `page ${page} repeats the nextPageToken of an earlier page, so the pages would never end`
      break
    }
    if (page >= o.maxPages) {
      stopped = `--max-pages ${o.maxPages} reached and the server has more (nextPageToken); raise --max-pages to fetch further`
      break
    }
    seen.add(next)
    pageToken = next
  }
  if (!stream && !f.json) f.io.stdout.write(JSON.stringify(items, null, f.io.stdout.isTTY ? 2 : undefined) + '\n')
  if (!stopped) return {result: stream ? undefined : items}
  f.print.note(`--paginate stopped after ${page} page${page === 1 ? '' : 's'}: ${stopped}. The items of those pages were printed`)
  return {result: stream ? undefined : items, exitCode: ExitCode.PARTIAL}
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      stream.off('error', done)
      resolve()
    }
    stream.once('drain', done)
    stream.once('close', done)
    stream.once('error', done)
  })
}
