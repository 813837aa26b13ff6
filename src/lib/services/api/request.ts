/**
 * `tink api [METHOD] PATH`: any Tink API call with the right token. The path is kept on the API
 * base URL (the token never leaves it), the request is framed from typed fields, headers and body,
 * and it is sent with the token the caller chose: one given, a user token, or a client token.
 */
import {readFile} from 'node:fs/promises'
import {usageError} from '../../errors/cli-error.js'
import {TRANSPORT_HEADERS, type HttpResponse, type RequestSpec} from '../../http/client.js'
import type {TinkApi, UserRef} from '../../tink/api.js'

// The request tink api sends and the answer it prints are the HTTP layer's.
export type {HttpResponse, RequestSpec} from '../../http/client.js'

export const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/** Why a request header cannot be given (a lower-case name): the HTTP layer frames the request, and the token is chosen here. */
export function refusedHeader(name: string): 'transport' | 'authorization' | undefined {
  if (TRANSPORT_HEADERS.includes(name)) return 'transport'
  return name === 'authorization' ? 'authorization' : undefined
}

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

export interface ApiRequestOptions {
  method: string
  /** A path on the API base URL (apiPath). */
  path: string
  /** key=value pairs in order: the query of a GET, HEAD or DELETE, else the body. */
  fields: Array<[string, string]>
  /** Lower-case names. */
  headers: Record<string, string>
  /** The fields as a JSON object instead of a form. */
  jsonBody: boolean
  /** A body sent as is. */
  body?: Buffer
}

/** The request: fields as query or body, a sniffed content type for a raw body, retried only when idempotent. */
export function apiRequest(o: ApiRequestOptions): RequestSpec {
  const headers = {...o.headers}
  const spec: RequestSpec = {method: o.method, path: o.path, what: `${o.method} ${o.path.split('?')[0]}`, headers}
  const queryMethod = o.method === 'GET' || o.method === 'HEAD' || o.method === 'DELETE'
  if (o.fields.length && queryMethod) spec.query = groupFields(o.fields)
  else if (o.fields.length && o.jsonBody) spec.json = Object.fromEntries(o.fields)
  else if (o.fields.length) spec.form = Object.fromEntries(o.fields)
  if (o.body !== undefined) {
    spec.body = o.body
    headers['content-type'] ??= /^\s*[[{]/.test(o.body.subarray(0, 64).toString('latin1')) ? 'application/json' : 'application/octet-stream'
  }
  spec.retry = IDEMPOTENT.has(o.method) || Object.keys(headers).includes('idempotency-key')
  return spec
}

function groupFields(fields: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of fields) (out[k] ??= []).push(v)
  return out
}

/** Whose token a call carries. */
export type ApiAuth =
  /** A token the caller has. */
  | {token: string}
  /** A user token for the scope (authorization grant + exchange, cached unless noCache). */
  | {user: UserRef; scope: string; noCache: boolean}
  /** A client token; no scope means all of the app's. */
  | {scope?: string; noCache: boolean}

/** Sends a request with the token `auth` names. */
export function apiSender(api: TinkApi, auth: ApiAuth): (spec: RequestSpec) => Promise<HttpResponse> {
  return (s) => {
    if ('token' in auth) return api.request({...s, bearer: auth.token})
    if ('user' in auth) return api.withUserToken(auth.user, auth.scope, (t) => api.request({...s, bearer: t}), {noCache: auth.noCache})
    return api.cachedClientToken(auth.scope, {noCache: auth.noCache}).then((t) => api.request({...s, bearer: t.access_token}))
  }
}

/** A request body from a file, sent as is. */
export function readBodyFile(file: string): Promise<Buffer> {
  return readFile(file)
}

/** A body as JSON, or undefined (empty, or not JSON). */
export function parseJson(text: string): unknown {
  if (!text.trim()) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
