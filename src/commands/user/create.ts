import {Flags} from '@oclif/core'
import {TinkCommand} from '../../lib/base-command.js'
import {usageError} from '../../lib/errors.js'
import {formatFields} from '../../lib/output.js'
import type {CreatedUser, CreateUserInput} from '../../lib/tink.js'
import {checkId, checkLocale, checkMarket, checkRetentionClass, RETENTION_CLASSES} from '../../lib/validate.js'

export default class UserCreate extends TinkCommand<typeof UserCreate> {
  static override summary = 'Create a permanent Tink user.'
  static override description = `POST /api/v1/user/create with a client token that has user:create. Sends an Idempotency-Key, so a retry after a lost answer never creates the user twice. A user that already exists (HTTP 409) is an error with exit code 4.`

  static override examples = [
    {description: 'Create a user in the UK market', command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --market GB --locale en_US'},
    {description: 'Create a temporary user (deleted by Tink after 24 h) and print its ids as JSON', command: '<%= config.bin %> <%= command.id %> --external-user-id trial-7 --market SE --locale sv_SE --retention-class TEMPORARY --json'},
  ]

  static override flags = {
    'external-user-id': Flags.string({char: 'e', description: "Your app's id for the user (unique per app)."}),
    market: Flags.string({char: 'm', description: 'Market, ISO 3166-1 alpha-2 (e.g. GB, SE, US). Env: TINK_MARKET; else the profile default.'}),
    locale: Flags.string({char: 'l', description: 'Locale, language_COUNTRY (e.g. en_US). Env: TINK_LOCALE. Default: en_US.'}),
    'retention-class': Flags.string({description: `${RETENTION_CLASSES.join(' or ')} (temporary users are deleted after 24 h). Default: Tink's (PERMANENT).`}),
  }

  async run(): Promise<CreatedUser> {
    const {flags} = this
    const ext = flags['external-user-id']
    if (ext === undefined) throw usageError('--external-user-id is required', 'Give the id your app uses for this user, e.g. --external-user-id user-123')
    const market = await this.ctx.settings.get('market')
    if (!market || market.source === 'default') throw usageError('--market is required', 'Give the ISO 3166-1 alpha-2 market, e.g. --market GB (or set TINK_MARKET)')
    const locale = await this.ctx.settings.get('locale')
    const input: CreateUserInput = {
      external_user_id: checkId(ext, '--external-user-id'),
      market: checkMarket(market.value, market.origin),
      locale: checkLocale(locale?.value ?? 'en_US', locale?.origin),
    }
    if (flags['retention-class'] !== undefined) input.retention_class = checkRetentionClass(flags['retention-class'])
    await this.ctx.preflight({needsCredentials: true})

    const user = await (await this.ctx.api()).createUser(input)
    this.out(formatFields([['user_id', user.user_id], ['external_user_id', user.external_user_id]]))
    return {user_id: user.user_id, external_user_id: user.external_user_id ?? input.external_user_id}
  }
}
