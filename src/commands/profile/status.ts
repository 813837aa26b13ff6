import {Args, Flags} from '@oclif/core'
import {TinkCommand} from '../../lib/base-command.js'
import type {GlobalFlags} from '../../lib/context.js'
import {ExitCode, toCliError} from '../../lib/errors.js'
import {accounts} from '../../lib/keychain.js'
import {missingSecret} from '../../lib/profiles.js'
import type {Resolved} from '../../lib/settings.js'
import {listCachedTokens, type CachedTokenInfo} from '../../lib/token-cache.js'

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

export default class ProfileStatus extends TinkCommand<typeof ProfileStatus> {
  static override summary = 'Check profiles: where the client id and secret come from, whether the keychain answers, whether a token can be fetched now, and cached tokens.'
  static override description = `For each profile (or the one named): the source of the client id and secret (flag, env, keychain, file), whether its secret store answers, whether a client token can be fetched now (skip with --offline), and the expiry of its cached tokens. Warns when TINK_CLIENT_ID or TINK_CLIENT_SECRET shadow a stored profile. Exit code 3 when a token cannot be fetched.`

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> us-prod --json']
  static override args = {name: Args.string({description: 'Profile name. Default: every profile.'})}
  static override flags = {offline: Flags.boolean({description: 'Do not contact the API (skip the token check).'})}

  protected override usesProfiles = false

  async run(): Promise<ProfileHealth[]> {
    const names = this.args.name ? [this.profiles.require(this.args.name).name] : this.profiles.names()
    if (names.length === 0) this.note('No profiles yet. Create one with: tink login')
    const out: ProfileHealth[] = []
    for (const name of names) out.push(await this.check(name))
    for (const h of out) {
      if (h.shadowedBy.length) this.warnLine(`${h.shadowedBy.join(' and ')} shadow${h.shadowedBy.length === 1 ? 's' : ''} what profile ${h.name} stores`)
    }
    this.out(out.map(render).join('\n\n'))
    if (out.some((h) => !h.token.ok && !h.token.skipped)) process.exitCode = ExitCode.AUTH
    return out
  }

  private async check(name: string): Promise<ProfileHealth> {
    const p = this.profiles.require(name)
    this.usesProfiles = true
    const ctx = this.createContext({...(this.flags as GlobalFlags), profile: name} as GlobalFlags, {profileOrigin: this.args.name ? 'argument' : 'every profile in turn'})
    this.usesProfiles = false
    const setup = this.profile!
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
      const ids = await ctx.settings.explain('clientId')
      h.clientId = pick(ids[0])
      if (ids[0] && ids[0].source !== 'profile' && ids.some((r) => r.source === 'profile')) h.shadowedBy.push(ids[0].origin)
      const secrets = await ctx.settings.explain('clientSecret').catch(() => [] as Resolved[])
      const winner = secrets[0]
      if (winner) h.clientSecret = {source: winner.source, origin: winner.origin}
      if (winner && (winner.source === 'env' || winner.source === 'flag' || winner.source === 'stdin')) h.shadowedBy.push(winner.origin)
      h.baseUrl = await ctx.baseUrl()
      if (this.flags.offline) {
        h.token = {ok: false, skipped: true}
      } else {
        const token = await (await ctx.api()).clientToken()
        h.token = {ok: true, expiresIn: token.expires_in}
      }
    } catch (err) {
      const e = toCliError(err)
      h.token = {ok: false, error: e.oneLine()}
    } finally {
      await ctx.close()
    }
    return h
  }
}

function pick(r: Resolved | undefined): (Source & {value: string}) | undefined {
  return r ? {value: r.value, source: r.source, origin: r.origin} : undefined
}

function render(h: ProfileHealth): string {
  const rows: Array<[string, string]> = [
    ['client id', h.clientId ? `${h.clientId.value} (from ${h.clientId.origin})` : 'none'],
    ['client secret', h.clientSecret ? `from ${h.clientSecret.origin}` : 'none found'],
    ['secret store', `${h.secretStore.where}: ${h.secretStore.answers ? 'answers' : 'does not answer'}${h.secretStore.error ? ` (${h.secretStore.error})` : ''}`],
    ['API', h.baseUrl ?? '?'],
    ['token now', h.token.skipped ? 'not checked (--offline)' : h.token.ok ? `ok (expires in ${h.token.expiresIn ?? '?'} s)` : `FAILED: ${h.token.error}`],
    [
      'cached tokens',
      h.cachedTokens.length
        ? h.cachedTokens.map((t) => `${t.scope || '(all scopes)'} until ${t.expiresAt ?? '?'}${t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? ' (expired)' : ''}`).join('; ')
        : 'none',
    ],
  ]
  const w = Math.max(...rows.map(([k]) => k.length))
  return [`${h.name}${h.active ? ' (active)' : ''}`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)].join('\n')
}
