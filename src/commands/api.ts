import {Args, Flags} from '@oclif/core'
import {command} from '../lib/cli/base-command.js'
import type {Factory, Outcome} from '../lib/cli/factory.js'
import {userFlags} from '../lib/cli/flags.js'
import {userRef} from '../lib/cli/user-ref.js'
import {CliError, ExitCode, usageError} from '../lib/errors/cli-error.js'
import {paginate} from '../lib/services/api/pages.js'
import {
  apiPath,
  apiRequest,
  apiSender,
  METHODS,
  parseJson,
  readBodyFile,
  refusedHeader,
  type ApiAuth,
  type HttpResponse,
  type RequestSpec,
} from '../lib/services/api/request.js'
import type {UserRef} from '../lib/tink/api.js'
import {isReadOnlyPath, scopeForPath} from '../lib/tink/scopes.js'
import {joinScopes} from '../lib/tink/validate.js'

export default class Api extends command({
  flags: {
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
  },
  args: {
    'method-or-path': Args.string({description: 'METHOD (GET, POST, ...) followed by PATH, or PATH alone.'}),
    path: Args.string({description: 'PATH, when METHOD is given first.'}),
  },
  needs: {request: 'always', keychain: true},
}) {
  static override summary = 'Call any Tink API path with the right token.'
  static override description = `Sends METHOD PATH (a path on the API base URL) and prints the response body byte for byte as received (JSON indented on a terminal). The method is GET unless a body is given, or fields on a path that is not a data endpoint (then POST): fields on a data endpoint are its query. Headers the HTTP layer sets (Host, Connection, Content-Length, Transfer-Encoding, Expect, Upgrade) cannot be given.
With --external-user-id or --user-id, the token is a user token (authorization grant, then exchange; cached until shortly before it expires) for --scope, or, without --scope, for the scope Tink's scope table gives the method and path (user:read for GET /api/v1/user, credentials:read for /api/v1/credentials/list and /api/v1/providers, accounts:read for /data/v2/accounts and their balances, accounts:read + accounts.parties:readonly for parties, identities:readonly for /data/v2/identities, transactions:read, provider-consents:read, ...). Without a user: a client token for --scope. --token - reads a token from standard input instead.
The token is never printed, and never sent anywhere but the API base URL (redirects are not followed). A non-2xx answer is an error with the usual exit codes (3 for 401/403, 4 for other 4xx, 5 for 5xx). Only GET, HEAD, PUT, DELETE and requests with an Idempotency-Key header are retried.`

  static override examples = [
    {description: "A user's accounts", command: '<%= config.bin %> <%= command.id %> /data/v2/accounts --external-user-id user-123'},
    {
      description: 'All transactions of a user, every page, counted',
      command: '<%= config.bin %> <%= command.id %> /data/v2/transactions --external-user-id user-123 --paginate | jq length',
    },
    {description: 'A call with a token you already have', command: 'printf \'%s\' "$TOKEN" | <%= config.bin %> <%= command.id %> /api/v1/user --token -'},
  ]

  protected async main(f: Factory): Promise<Outcome<unknown>> {
    const {flags, args} = this
    const given = methodAndPath(args['method-or-path'], args.path, flags.method)
    const rawPath = given.path
    let method = given.method
    const fields = parseFields(flags.field)
    const headers = parseHeaders(flags.header)
    // Fields on a path that is only ever read (a data endpoint) are its query, as with -X GET.
    const readOnlyPath = isReadOnlyPath(rawPath.startsWith('/') ? rawPath : '/' + rawPath)
    const defaulted = method === undefined
    method ??= flags.input !== undefined || (fields.length > 0 && !flags.paginate && !readOnlyPath) ? 'POST' : 'GET'
    if (!METHODS.has(method)) throw usageError(`Unknown HTTP method ${method}`, [...METHODS].join(', '))
    if (flags.input !== undefined && (method === 'GET' || method === 'HEAD'))
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
    const path = apiPath(rawPath, await f.run.baseUrl())
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
          : await readBodyFile(flags.input).catch((err: NodeJS.ErrnoException) =>
              Promise.reject(usageError(`Cannot read --input ${flags.input}: ${err.code ?? err.message}`, 'Give a readable file, or - for standard input')),
            )
    const noCache = flags['no-cache']
    const auth: ApiAuth = flags.token === '-' ? {token: await f.stdin.value('the access token')} : user ? {user, scope: scope!, noCache} : {scope, noCache}
    const spec = apiRequest({method, path, fields, headers, jsonBody: flags['json-body'], body})
    const send = apiSender(await f.api(), auth)
    const fieldsMadePost = fields.length > 0 && defaulted && method === 'POST'
    const sendExplained = (s: RequestSpec): Promise<HttpResponse> =>
      send(s).catch((err: unknown) => {
        throw explain(err, {fields: fieldsMadePost})
      })

    if (flags.paginate) return pages(f, spec, sendExplained, {ndjson: flags.ndjson, include: flags.include, maxPages: flags['max-pages'] ?? 1000})
    const res = await sendExplained(spec)
    if (flags.include) printHead(f, res)
    const parsed = parseJson(res.body)
    printBody(f, res, parsed)
    return {result: parsed ?? res.body}
  }
}

/** [METHOD] PATH from the arguments and -X: the method when one was given, and the path. */
function methodAndPath(first: string | undefined, second: string | undefined, methodFlag: string | undefined): {method?: string; path: string} {
  let method = methodFlag?.toUpperCase()
  let path = second
  if (path === undefined) {
    // `tink api GET`: a method with no path, not the path /GET.
    if (first && METHODS.has(first.toUpperCase()) && !first.startsWith('/'))
      throw usageError(
        `Which path? ${first} needs one, e.g. tink api ${first.toUpperCase()} /data/v2/accounts --external-user-id ID`,
        'Give PATH after the method',
      )
    path = first
  } else {
    if (method && first && first.toUpperCase() !== method) throw usageError(`Two methods: ${first} and --method ${methodFlag}`, 'Give the method once')
    method = first?.toUpperCase()
  }
  if (!path) throw usageError('Which path? e.g. tink api /data/v2/accounts --external-user-id ID', 'Give PATH, a path on the API base URL')
  return {method, path}
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
    const refused = refusedHeader(name)
    if (refused === 'transport')
      throw usageError(`--header ${m[1]} is not allowed: the HTTP layer sets it itself`, `Leave ${m[1]} out; tink api frames the request`)
    if (refused === 'authorization')
      throw usageError('--header Authorization is not allowed: tink api sets the token itself', 'Use --token - to give a token on standard input')
    out[name] = m[2]!
  }
  return out
}

/** A 405 for fields tink api made a body: say how to make them a query. */
function explain(err: unknown, o: {fields: boolean}): unknown {
  if (!(err instanceof CliError) || err.hint) return err
  if (err.status === 405 && o.fields) return err.withHint('-f fields made this a POST with a body; to send them as query parameters of a read, add -X GET')
  return err
}

/** Bytes as received (a PDF stays a PDF); only JSON is pretty-printed, and only on a terminal. */
function printBody(f: Factory, res: HttpResponse, parsed: unknown): void {
  if (!f.json) f.io.stdout.write(f.io.stdout.isTTY && parsed !== undefined ? JSON.stringify(parsed, null, 2) + '\n' : res.bytes)
}

function printHead(f: Factory, res: HttpResponse): void {
  if (f.json) return
  const lines = [`HTTP ${res.status}`, ...Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`)]
  f.io.stdout.write(lines.join('\n') + '\n\n')
}

/**
 * --paginate: every page's items printed as one JSON array at the end, or with --ndjson one line
 * each as pages arrive (written and let go); stopped early, the pages fetched are printed, a line
 * says why, exit 6.
 */
async function pages(
  f: Factory,
  spec: RequestSpec,
  send: (s: RequestSpec) => Promise<HttpResponse>,
  o: {ndjson: boolean; include: boolean; maxPages: number},
): Promise<Outcome<unknown>> {
  const stream = o.ndjson && !f.json
  // Kept only when they are printed at the end.
  const items: unknown[] = []
  const r = await paginate({
    spec,
    send,
    maxPages: o.maxPages,
    onResponse: o.include ? (res) => printHead(f, res) : undefined,
    onItems: async (list) => {
      if (!stream) {
        for (const item of list) items.push(item)
        return
      }
      let lines = ''
      for (const item of list) lines += JSON.stringify(item) + '\n'
      if (!f.io.stdout.write(lines)) await drained(f.io.stdout)
    },
  })
  if (!r.paged) {
    // No pages here: the answer as received, with a note, never an empty list in its place.
    f.print.note(`--paginate: ${spec.path.split('?')[0]} answered without nextPageToken and a list, so it has no pages; printed as received`)
    printBody(f, r.response, r.body)
    return {result: r.body ?? r.response.body}
  }
  if (!stream && !f.json) f.io.stdout.write(JSON.stringify(items, null, f.io.stdout.isTTY ? 2 : undefined) + '\n')
  if (!r.stopped) return {result: stream ? undefined : items}
  const why =
    r.stopped === 'repeated-token'
      ? `page ${r.pages} repeats the nextPageToken of an earlier page, so the pages would never end`
      : `--max-pages ${o.maxPages} reached and the server has more (nextPageToken); raise --max-pages to fetch further`
  f.print.note(`--paginate stopped after ${r.pages} page${r.pages === 1 ? '' : 's'}: ${why}. The items of those pages were printed`)
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
