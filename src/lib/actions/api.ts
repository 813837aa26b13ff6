/** `tink api [METHOD] PATH`: any Tink API call with the right token, the body printed as received. */
import {readFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {userRef} from '../cli/user-ref.js'
import {CliError, usageError} from '../errors/cli-error.js'
import {TRANSPORT_HEADERS, type HttpResponse, type RequestSpec} from '../http/client.js'
import type {UserRef} from '../tink/api.js'
import {isReadOnlyPath, scopeForPath} from '../tink/scopes.js'
import {joinScopes} from '../tink/validate.js'
import {paginate, parseJson} from './api-pages.js'

export const apiFlags = {
  ...userFlags,
  method: Flags.string({char: 'X', description: 'HTTP method. Default: GET, or POST when a body or field is given.'}),
  field: Flags.string({char: 'f', description: 'key=value: a query parameter for GET/HEAD/DELETE, a body field otherwise (repeatable).', multiple: true}),
  header: Flags.string({char: 'H', description: "An extra request header, 'Name: value' (repeatable).", multiple: true}),
  input: Flags.string({description: 'Send this file as the request body as is ("-" reads standard input).', exclusive: ['field']}),
  form: Flags.boolean({description: 'Send the fields as a form (application/x-www-form-urlencoded; the default).', exclusive: ['json-body']}),
  'json-body': Flags.boolean({description: 'Send the fields as a JSON object.', exclusive: ['form']}),
  include: Flags.boolean({char: 'i', description: 'Print the status line and response headers before the body.'}),
  paginate: Flags.boolean({
    description:
      'Follow nextPageToken (GET) and print the items of every page as one JSON array. Stops at a repeated token or after --max-pages (exit 6, the pages fetched printed).',
  }),
  ndjson: Flags.boolean({description: 'With --paginate: one item per line as pages arrive.', dependsOn: ['paginate']}),
  'max-pages': Flags.integer({description: 'With --paginate: the most pages fetched (default 1000).', min: 1, dependsOn: ['paginate']}),
  scope: Flags.string({
    char: 's',
    description: 'Scopes of the token, comma-separated (repeatable). Default with a user: the scope the path needs.',
    multiple: true,
  }),
  token: Flags.string({description: 'Use this token instead of minting one: only "-" (read from standard input), never the token itself.'}),
  'no-cache': Flags.boolean({description: 'Mint a new token even if a cached one is fresh (and do not cache it).'}),
}

export const apiArgs = ['method-or-path', 'path'] as const

// The path -> scope table is Tink's (src/lib/tink/scopes.ts); re-exported for the tests that import it from here.
export {scopeForPath} from '../tink/scopes.js'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/** PATH as a path on the API base URL; a URL of another origin is refused (the token stays home). */
export function apiPath(raw: string, baseUrl: string): string {
  const base = new URL(baseUrl)
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith('//')) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw usageError(`Not a path or URL: ${raw}`, 'Give a path such as /data/v2/accounts')
    }
    if (url.origin !== base.origin)
      throw usageError(`${url.origin} is not the API base URL (${base.origin}); tink api sends its token only there`, 'Give a path such as /data/v2/accounts')
    raw = url.pathname + url.search
    const prefix = base.pathname.replace(/\/+$/, '')
    if (prefix && raw.startsWith(prefix + '/')) raw = raw.slice(prefix.length)
  }
  if (!raw.startsWith('/')) raw = '/' + raw
  const target = new URL(baseUrl.replace(/\/+$/, '') + raw)
  if (target.origin !== base.origin) throw usageError(`${raw} leaves the API base URL`, 'Give a path such as /data/v2/accounts')
  return raw
}

function parseFields(fields: string[] | undefined): Array<[string, string]> {
  return (fields ?? []).map((f) => {
    const i = f.indexOf('=')
    if (i <= 0) throw usageError(`--field ${JSON.stringify(f)} is not key=value`, 'e.g. -f pageSize=100')
    return [f.slice(0, i), f.slice(i + 1)]
  })
}

function parseHeaders(headers: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const h of headers ?? []) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(h)
    if (!m) throw usageError(`--header ${JSON.stringify(h.replace(/:.*/, ': ...'))} is not 'Name: value'`, "e.g. -H 'Accept-Language: en'")
    const name = m[1].toLowerCase()
    if (TRANSPORT_HEADERS.includes(name))
      throw usageError(`--header ${m[1]} is not allowed: the HTTP layer sets it itself`, `Leave ${m[1]} out; tink api frames the request`)
    if (name === 'authorization')
      throw usageError('--header Authorization is not allowed: tink api sets the token itself', 'Use --token - to give a token on standard input')
    out[name] = m[2]!
  }
  return out
}

export async function api(f: Factory, flags: CommandFlags<typeof apiFlags>, args: {'method-or-path'?: string; path?: string}): Promise<Outcome<unknown>> {
  let method = flags.method?.toUpperCase()
  let rawPath = args.path
  const first = args['method-or-path']
  if (rawPath === undefined) {
    // `tink api GET`: a method with no path, not the path /GET.
    if (first && METHODS.has(first.toUpperCase()) && !first.startsWith('/'))
      throw usageError(
        `Which path? ${first} needs one, e.g. tink api ${first.toUpperCase()} /data/v2/accounts --external-user-id ID`,
        'Give PATH after the method',
      )
    rawPath = first
  } else {
    if (method && first && first.toUpperCase() !== method) throw usageError(`Two methods: ${first} and --method ${flags.method}`, 'Give the method once')
    method = first?.toUpperCase()
  }
  if (!rawPath) throw usageError('Which path? e.g. tink api /data/v2/accounts --external-user-id ID', 'Give PATH, a path on the API base URL')
  const fields = parseFields(flags.field)
  const headers = parseHeaders(flags.header)
  // Fields on a path that is only ever read (a data endpoint) are its query, as with -X GET.
  const readOnlyPath = isReadOnlyPath(rawPath.startsWith('/') ? rawPath : '/' + rawPath)
  const defaulted = method === undefined
  method ??= flags.input !== undefined || (fields.length > 0 && !flags.paginate && !readOnlyPath) ? 'POST' : 'GET'
  if (!METHODS.has(method)) throw usageError(`Unknown HTTP method ${method}`, [...METHODS].join(', '))
  const queryMethod = method === 'GET' || method === 'HEAD' || method === 'DELETE'
  if (flags.input !== undefined && queryMethod && method !== 'DELETE')
    throw usageError(`--input with ${method}: a ${method} has no body`, 'Use -X POST (or PUT)')
  if (flags.paginate && method !== 'GET') throw usageError('--paginate follows pages of a GET', 'Drop --paginate or -X')
  if (flags.token !== undefined && flags.token !== '-')
    throw usageError(
      '--token takes only "-": a token in the command line ends up in shell history and process lists',
      'Pipe it in: printf \'%s\' "$TOKEN" | tink api --token - PATH',
    )
  const user: UserRef | undefined = flags['user-id'] !== undefined || flags['external-user-id'] !== undefined ? userRef(flags) : undefined
  if (flags.token !== undefined && user) throw usageError('--token - and a user: give one of them', 'The token already names its user')
  await f.run.preflight({needsCredentials: flags.token === undefined})
  const baseUrl = await f.run.baseUrl()
  const path = apiPath(rawPath, baseUrl)
  let scope = joinScopes(flags.scope)
  if (user && !scope && flags.token === undefined) {
    scope = scopeForPath(path, method)
    if (!scope) throw usageError(`No known scope for ${path}`, 'Give the scope the user token needs with --scope, e.g. --scope accounts:read')
  }

  let body: Buffer | undefined
  if (flags.input !== undefined)
    body =
      flags.input === '-'
        ? await f.stdin.bytes('the request body')
        : await readFile(flags.input).catch((err: NodeJS.ErrnoException) =>
            Promise.reject(usageError(`Cannot read --input ${flags.input}: ${err.code ?? err.message}`, 'Give a readable file, or - for standard input')),
          )
  const token = flags.token === '-' ? await f.stdin.value('the access token') : undefined

  const spec: RequestSpec = {method, path, what: `${method} ${path.split('?')[0]}`, headers}
  if (fields.length && queryMethod) spec.query = groupFields(fields)
  else if (fields.length && flags['json-body']) {
    spec.json = Object.fromEntries(fields)
  } else if (fields.length) spec.form = Object.fromEntries(fields)
  if (body !== undefined) {
    spec.body = body
    headers['content-type'] ??= /^\s*[[{]/.test(body.subarray(0, 64).toString('latin1')) ? 'application/json' : 'application/octet-stream'
  }
  spec.retry = IDEMPOTENT.has(method) || Object.keys(headers).includes('idempotency-key')

  const tinkApi = await f.api()
  const send = (s: RequestSpec): Promise<HttpResponse> => {
    if (token !== undefined) return tinkApi.request({...s, bearer: token})
    if (user) return tinkApi.withUserToken(user, scope!, (t) => tinkApi.request({...s, bearer: t}), {noCache: flags['no-cache']})
    return tinkApi.cachedClientToken(scope, {noCache: flags['no-cache']}).then((t) => tinkApi.request({...s, bearer: t.access_token}))
  }
  const sendExplained = (s: RequestSpec): Promise<HttpResponse> =>
    send(s).catch((err: unknown) => {
      throw explain(err, {fields: fields.length > 0 && defaulted && method === 'POST'})
    })

  if (flags.paginate)
    return paginate(f, spec, sendExplained, {ndjson: Boolean(flags.ndjson), include: Boolean(flags.include), maxPages: flags['max-pages'] ?? 1000, printHead})
  const res = await sendExplained(spec)
  if (flags.include) printHead(f, res)
  const parsed = parseJson(res.body)
  // Bytes as received (a PDF stays a PDF); only JSON is pretty-printed, and only on a terminal.
  if (!f.json) f.io.stdout.write(f.io.stdout.isTTY && parsed !== undefined ? JSON.stringify(parsed, null, 2) + '\n' : res.bytes)
  return {result: parsed ?? res.body}
}

/** A 405 for fields tink api made a body: say how to make them a query. */
function explain(err: unknown, o: {fields: boolean}): unknown {
  if (!(err instanceof CliError) || err.hint) return err
  if (err.status === 405 && o.fields) return err.withHint('-f fields made this a POST with a body; to send them as query parameters of a read, add -X GET')
  return err
}

function groupFields(fields: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of fields) (out[k] ??= []).push(v)
  return out
}

export function printHead(f: Factory, res: HttpResponse): void {
  if (f.json) return
  const lines = [`HTTP ${res.status}`, ...Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`)]
  f.io.stdout.write(lines.join('\n') + '\n\n')
}
