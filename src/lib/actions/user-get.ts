/** `tink user get`: the user as Tink has it (GET /api/v1/user with a user:read user token). */
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {formatFields} from '../cli/output.js'
import {userRef} from '../cli/user-ref.js'

export const userGetFlags = {...userFlags}

const when = (ms: unknown): string | undefined => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined)

export async function userGet(f: Factory, flags: CommandFlags<typeof userGetFlags>): Promise<Outcome<Record<string, unknown>>> {
  const user = userRef(flags)
  await f.preflight({needsCredentials: true})
  const u = await (await f.api()).getUser(user)
  const p = (u.profile && typeof u.profile === 'object' ? u.profile : {}) as Record<string, unknown>
  const s = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)
  f.out(
    formatFields([
      ['user_id', s(u.id)],
      ['external_user_id', s(u.externalUserId)],
      ['app_id', s(u.appId)],
      ['created', when(u.created)],
      ['market', s(p.market)],
      ['locale', s(p.locale)],
      ['currency', s(p.currency)],
      ['time_zone', s(p.timeZone)],
    ]),
  )
  return {result: u}
}
