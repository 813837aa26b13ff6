/**
 * `tink token inspect`: what is known about a token without sending it anywhere: the token
 * cache's entry for it, and a JWT's header and claims (decoded, not verified).
 */
import {formatFields} from '../../cli/output.js'
import type {SecretStore} from '../../secrets/keychain.js'
import {findCachedToken, type CachedTokenInfo} from '../../secrets/token-cache.js'

export interface Inspection {
  cached?: CachedTokenInfo & {kind: 'client' | 'user'; profile?: string; expiresInSeconds?: number}
  jwt?: {verified: false; header: unknown; claims: unknown}
  opaque: boolean
}

/** A token cache to look the token up in: a profile's. */
export interface CachePlace {
  store: SecretStore
  namespace: string
  profile?: string
}

export interface TokenInspectOptions {
  token: string
  places: CachePlace[]
  /** Why a cache could not be read (--verbose). */
  trace: (line: string) => void
  now?: () => number
}

function decodePart(part: string): unknown {
  const json = Buffer.from(part, 'base64url').toString('utf8')
  return JSON.parse(json) as unknown
}

export function decodeJwt(token: string): {header: unknown; claims: unknown} | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p)) || !parts[0] || !parts[1]) return undefined
  try {
    const header = decodePart(parts[0])
    const claims = decodePart(parts[1])
    if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') return undefined
    return {header, claims}
  } catch {
    return undefined
  }
}

export async function inspectToken(o: TokenInspectOptions): Promise<Inspection> {
  const now = o.now ?? Date.now
  const out: Inspection = {opaque: false}
  for (const p of o.places) {
    try {
      const info = await findCachedToken(p.store, p.namespace, o.token)
      if (info) {
        const ms = info.expiresAt ? Date.parse(info.expiresAt) - now() : NaN
        out.cached = {
          ...info,
          kind: info.user ? 'user' : 'client',
          ...(p.profile ? {profile: p.profile} : {}),
          ...(Number.isFinite(ms) ? {expiresInSeconds: Math.round(ms / 1000)} : {}),
        }
        break
      }
    } catch (err) {
      o.trace(`* token cache unavailable (${(err as Error).message})`)
    }
  }
  const jwt = decodeJwt(o.token)
  if (jwt) out.jwt = {verified: false, ...jwt}
  out.opaque = !out.cached && !jwt
  return out
}

/** What `tink token inspect` prints on stdout for people. */
export function inspectionText(out: Inspection): string {
  const lines: string[] = []
  if (out.cached) {
    const c = out.cached
    const expires =
      c.expiresInSeconds === undefined
        ? undefined
        : c.expiresInSeconds > 0
          ? `in ${Math.round(c.expiresInSeconds / 60)} min (${c.expiresAt})`
          : `expired (${c.expiresAt})`
    lines.push(
      'From the token cache:',
      formatFields([
        ['kind', `${c.kind} token`],
        ['profile', c.profile],
        ['client_id', c.clientId],
        ['base_url', c.baseUrl],
        ['user', c.user],
        ['scope', c.scope || "(all of the app's scopes)"],
        ['expires', expires],
      ]),
    )
  } else lines.push('Not in the token cache of this profile.')
  if (out.jwt)
    lines.push(
      '',
      'JWT (decoded, UNVERIFIED: the signature is not checked):',
      `header: ${JSON.stringify(out.jwt.header, null, 2)}`,
      `claims: ${JSON.stringify(out.jwt.claims, null, 2)}`,
    )
  else if (out.opaque) lines.push('An opaque token: not a JWT, and not one this CLI cached; nothing more is known without sending it to Tink.')
  return lines.join('\n')
}
