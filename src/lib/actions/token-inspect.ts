/**
 * `tink token inspect -`: what is known about a token without sending it anywhere: the
 * token cache's entry for it, and a JWT's header and claims (decoded, not verified).
 */
import type {Factory, Outcome} from '../cli/factory.js'
import {formatFields} from '../cli/output.js'
import {usageError} from '../errors/cli-error.js'
import type {SecretStore} from '../secrets/keychain.js'
import {findCachedToken, type CachedTokenInfo} from '../secrets/token-cache.js'

interface Inspection {
  cached?: CachedTokenInfo & {kind: 'client' | 'user'; profile?: string; expiresInSeconds?: number}
  jwt?: {verified: false; header: unknown; claims: unknown}
  opaque: boolean
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

export async function tokenInspect(f: Factory, _flags: unknown, args: {token?: string}): Promise<Outcome<Inspection>> {
  // Only standard input, as `tink api --token -`: a token given as an argument lands in shell
  // history and the process list, and is not repeated here either.
  const how = 'e.g. printf \'%s\' "$TOKEN" | tink token inspect -'
  if (args.token !== undefined && args.token !== '-') {
    throw usageError(
      'tink token inspect reads the token from standard input only (the argument is not shown: a token on the command line lands in shell history and the process list)',
      `Pipe it in: ${how}`,
    )
  }
  if (f.io.stdin.isTTY) throw usageError('Which token? tink token inspect reads it from standard input', how)
  const token = (await f.stdin.value('the token')).trim()
  if (!token) throw usageError('The token is empty', `Pipe the token in: ${how}`)

  const out: Inspection = {opaque: false}
  const setup = f.profile()
  const places: Array<{store: SecretStore; namespace: string; profile?: string}> = []
  if (setup?.secretStore && setup.profile) places.push({store: setup.secretStore, namespace: setup.profile.name, profile: setup.profile.name})
  for (const p of places) {
    try {
      const info = await findCachedToken(p.store, p.namespace, token)
      if (info) {
        const ms = info.expiresAt ? Date.parse(info.expiresAt) - Date.now() : NaN
        out.cached = {
          ...info,
          kind: info.user ? 'user' : 'client',
          ...(p.profile ? {profile: p.profile} : {}),
          ...(Number.isFinite(ms) ? {expiresInSeconds: Math.round(ms / 1000)} : {}),
        }
        break
      }
    } catch (err) {
      f.print.trace(`* token cache unavailable (${(err as Error).message})`)
    }
  }
  const jwt = decodeJwt(token)
  if (jwt) out.jwt = {verified: false, ...jwt}
  out.opaque = !out.cached && !jwt

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
  if (jwt)
    lines.push(
      '',
      'JWT (decoded, UNVERIFIED: the signature is not checked):',
      `header: ${JSON.stringify(jwt.header, null, 2)}`,
      `claims: ${JSON.stringify(jwt.claims, null, 2)}`,
    )
  else if (out.opaque) lines.push('An opaque token: not a JWT, and not one this CLI cached; nothing more is known without sending it to Tink.')
  f.print.out(lines.join('\n'))
  return {result: out}
}
