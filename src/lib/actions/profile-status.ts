/** `tink profile status [NAME]`: for each profile, where its credentials come from and whether they work now. */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {withRenderedHint} from '../cli/render-error.js'
import type {Resolved} from '../config/settings.js'
import {ExitCode, toCliError} from '../errors/cli-error.js'
import {accounts} from '../secrets/keychain.js'
import {missingSecret} from '../secrets/stores.js'
import {listCachedTokens, type CachedTokenInfo} from '../secrets/token-cache.js'

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

export const profileStatusFlags = {offline: Flags.boolean({description: 'Do not contact the API (skip the token check).'})}

type StatusFlags = CommandFlags<typeof profileStatusFlags>

export async function profileStatus(f: Factory, flags: StatusFlags, args: {name?: string}): Promise<Outcome<ProfileHealth[]>> {
  const store = f.profiles()
  const names = args.name ? [store.require(args.name).name] : store.names()
  if (names.length === 0) f.print.note('No profiles yet. Create one with: tink login')
  const out: ProfileHealth[] = []
  for (const name of names) out.push(await check(f.forProfile(name, args.name ? 'argument' : 'every profile in turn'), flags, name))
  for (const h of out) {
    if (h.shadowedBy.length) f.print.warnLine(`${h.shadowedBy.join(' and ')} shadow${h.shadowedBy.length === 1 ? 's' : ''} what profile ${h.name} stores`)
  }
  f.print.out(out.map(render).join('\n\n'))
  return {result: out, exitCode: out.some((h) => !h.token.ok && !h.token.skipped) ? ExitCode.AUTH : ExitCode.OK}
}

async function check(ctx: Factory, flags: StatusFlags, name: string): Promise<ProfileHealth> {
  const p = ctx.profiles().require(name)
  const setup = ctx.profile()!
  const store = setup.secretStore!
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
    const ids = await ctx.settings().explain('clientId')
    h.clientId = pick(ids[0])
    if (ids[0] && ids[0].source !== 'profile' && ids.some((r) => r.source === 'profile')) h.shadowedBy.push(ids[0].origin)
    const secrets = await ctx
      .settings()
      .explain('clientSecret')
      .catch(() => [] as Resolved[])
    const winner = secrets[0]
    if (winner) h.clientSecret = {source: winner.source, origin: winner.origin}
    if (winner && (winner.source === 'env' || winner.source === 'flag' || winner.source === 'stdin')) h.shadowedBy.push(winner.origin)
    h.baseUrl = await ctx.run.baseUrl()
    if (flags.offline) {
      h.token = {ok: false, skipped: true}
    } else {
      const token = await (await ctx.api()).clientToken()
      h.token = {ok: true, expiresIn: token.expires_in}
    }
  } catch (err) {
    const e = withRenderedHint(err, () => ctx.run.authHint())
    h.token = {ok: false, error: e.oneLine()}
  } finally {
    await ctx.close()
  }
  return h
}

function pick(r: Resolved | undefined): (Source & {value: string}) | undefined {
  return r ? {value: r.value, source: r.source, origin: r.origin} : undefined
}

function render(h: ProfileHealth): string {
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
            .map((t) => `${t.scope || '(all scopes)'} until ${t.expiresAt ?? '?'}${t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? ' (expired)' : ''}`)
            .join('; ')
        : 'none',
    ],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return [`${h.name}${h.active ? ' (active)' : ''}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n')
}
