/**
 * `tink profile status [NAME]`: for each profile, where its credentials come from, whether its
 * secret store answers, whether a client token can be fetched now, and its cached tokens. Each
 * profile is checked through a run set up as any command with --profile NAME would be: the
 * caller builds it (`runFor`), so the settings, the API and the error hints are the commands' own.
 */
import type {ProfileStore} from '../../config/profiles.js'
import type {Resolved, SettingsResolver} from '../../config/settings.js'
import {toCliError} from '../../errors/cli-error.js'
import {accounts, type SecretStore} from '../../secrets/keychain.js'
import {missingSecret} from '../../secrets/stores.js'
import {listCachedTokens, type CachedTokenInfo} from '../../secrets/token-cache.js'
import type {TokenResult} from '../../tink/api.js'

interface Source {
  source: string
  origin: string
}

export interface ProfileHealth {
  name: string
  active: boolean
  storage: string
  clientId?: Source & {value: string}
  clientSecret?: Source
  /** Env or flag values that win over what the profile stores. */
  shadowedBy: string[]
  secretStore: {where: string; answers: boolean; error?: string}
  baseUrl?: string
  token: {ok: boolean; skipped?: boolean; expiresIn?: number; error?: string}
  cachedTokens: CachedTokenInfo[]
  error?: string
}

/** One profile's run: what a command with --profile NAME would use. */
export interface ProfileRun {
  /** The profile's secret store (setting it up may warn, as every use of the file store does). */
  secretStore(): SecretStore
  settings(): SettingsResolver
  baseUrl(): Promise<string>
  /** A client token fetched now with the profile's credentials. */
  clientToken(): Promise<TokenResult>
  /** A failure as the one line the error renderer would print, with its hint. */
  errorLine(err: unknown): string
  close(): Promise<void>
}

export interface StatusOptions {
  /** The profile to check; every profile when absent. */
  name?: string
  /** Skip the token check (no request). */
  offline: boolean
}

/** `origin`: how the profile was named, for messages ("argument", "every profile in turn"). */
export type RunFor = (name: string, origin: string) => ProfileRun

export async function checkProfiles(store: ProfileStore, o: StatusOptions, runFor: RunFor): Promise<ProfileHealth[]> {
  const names = o.name ? [store.require(o.name).name] : store.names()
  const out: ProfileHealth[] = []
  for (const name of names) out.push(await checkProfile(store, runFor(name, o.name ? 'argument' : 'every profile in turn'), name, o.offline))
  return out
}

/** Whether a token check failed (exit 3). */
export function anyTokenFailed(health: ProfileHealth[]): boolean {
  return health.some((h) => !h.token.ok && !h.token.skipped)
}

async function checkProfile(profiles: ProfileStore, run: ProfileRun, name: string, offline: boolean): Promise<ProfileHealth> {
  const p = profiles.require(name)
  const store = run.secretStore()
  const h: ProfileHealth = {
    name,
    active: p.active,
    storage: p.storage,
    shadowedBy: [],
    secretStore: {where: store.where, answers: false},
    token: {ok: false},
    cachedTokens: [],
  }
  try {
    const secret = await store.get(accounts.clientSecret(name))
    h.secretStore.answers = true
    if (secret === undefined) h.secretStore.error = missingSecret(name, store).message
    h.cachedTokens = await listCachedTokens(store, name)
  } catch (err) {
    h.secretStore.error = toCliError(err).message
  }
  try {
    const ids = await run.settings().explain('clientId')
    h.clientId = pick(ids[0])
    if (ids[0] && ids[0].source !== 'profile' && ids.some((r) => r.source === 'profile')) h.shadowedBy.push(ids[0].origin)
    const secrets = await run
      .settings()
      .explain('clientSecret')
      .catch(() => [] as Resolved[])
    const winner = secrets[0]
    if (winner) h.clientSecret = {source: winner.source, origin: winner.origin}
    if (winner && (winner.source === 'env' || winner.source === 'flag' || winner.source === 'stdin')) h.shadowedBy.push(winner.origin)
    h.baseUrl = await run.baseUrl()
    if (offline) {
      h.token = {ok: false, skipped: true}
    } else {
      const token = await run.clientToken()
      h.token = {ok: true, expiresIn: token.expires_in}
    }
  } catch (err) {
    h.token = {ok: false, error: run.errorLine(err)}
  } finally {
    await run.close()
  }
  return h
}

function pick(r: Resolved | undefined): (Source & {value: string}) | undefined {
  return r ? {value: r.value, source: r.source, origin: r.origin} : undefined
}

/** One block per profile: its name, then a row per check. */
export function statusText(health: ProfileHealth[], now = Date.now()): string {
  return health.map((h) => profileText(h, now)).join('\n\n')
}

function profileText(h: ProfileHealth, now: number): string {
  const rows: Array<[string, string]> = [
    ['client id', h.clientId ? `${h.clientId.value} (from ${h.clientId.origin})` : 'none'],
    ['client secret', h.clientSecret ? `from ${h.clientSecret.origin}` : 'none found'],
    [
      'secret store',
      `${h.secretStore.where}: ${h.secretStore.answers ? 'answers' : 'does not answer'}${h.secretStore.error ? ` (${h.secretStore.error})` : ''}`,
    ],
    ['API', h.baseUrl ?? '?'],
    ['token now', h.token.skipped ? 'not checked (--offline)' : h.token.ok ? `ok (expires in ${h.token.expiresIn ?? '?'} s)` : `FAILED: ${h.token.error}`],
    [
      'cached tokens',
      h.cachedTokens.length
        ? h.cachedTokens
            .map((t) => `${t.scope || '(all scopes)'} until ${t.expiresAt ?? '?'}${t.expiresAt && Date.parse(t.expiresAt) < now ? ' (expired)' : ''}`)
            .join('; ')
        : 'none',
    ],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return [`${h.name}${h.active ? ' (active)' : ''}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n')
}
