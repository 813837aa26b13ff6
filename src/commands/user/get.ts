import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {formatFields} from '../../lib/cli/output.js'
import {userRef} from '../../lib/cli/user-ref.js'

export default class UserGet extends command({flags: {...userFlags}, needs: {request: 'always', keychain: true}}) {
  static override summary = 'Show a Tink user (id, external id, market, locale, created).'
  static override description =
    'GET /api/v1/user with a user token for user:read (authorization grant + exchange, cached). --json prints the user as Tink sent it.'
  static override examples = [
    {description: 'A user by your own id', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123'},
    {description: "As Tink's JSON", command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --json'},
  ]

  protected async main(f: Factory): Promise<Outcome<Record<string, unknown>>> {
    const user = userRef(this.flags)
    await f.run.preflight({needsCredentials: true})
    const u = await (await f.api()).getUser(user)
    const p = (u.profile && typeof u.profile === 'object' ? u.profile : {}) as Record<string, unknown>
    f.print.out(
      formatFields([
        ['user_id', text(u.id)],
        ['external_user_id', text(u.externalUserId)],
        ['app_id', text(u.appId)],
        ['created', when(u.created)],
        ['market', text(p.market)],
        ['locale', text(p.locale)],
        ['currency', text(p.currency)],
        ['time_zone', text(p.timeZone)],
      ]),
    )
    return {result: u}
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined)
const when = (ms: unknown): string | undefined => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : undefined)
