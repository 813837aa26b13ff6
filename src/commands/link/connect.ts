import {randomBytes} from 'node:crypto'
import {Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {delegateFlags, linkDeps, linkFlags, linkParamsFromFlags} from '../../lib/cli/link-flags.js'
import {formatFields} from '../../lib/cli/output.js'
import {askText, canPrompt} from '../../lib/cli/prompt.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {CliError, ExitCode, usageError} from '../../lib/errors/cli-error.js'
import {prepareLinkRequest} from '../../lib/services/grant/delegate.js'
import {checkRedirectUri} from '../../lib/services/link/common.js'
import {connectLink, type LinkConnectResult} from '../../lib/services/link/connect.js'
import {checkFlow, flowSpec} from '../../lib/tink/link.js'
import {defaultLocale} from '../../lib/tink/markets.js'
import {checkLocale, checkMarket, joinScopes} from '../../lib/tink/validate.js'

const DATA_SCOPES = 'accounts:read,transactions:read,provider-consents:read,credentials:read'
const DEFAULT_REDIRECT_URI = 'http://localhost:3000/callback'

export default class LinkConnect extends command({
  flags: {
    ...userFlags,
    create: Flags.boolean({description: 'Create the user first (with --external-user-id) when Tink does not know them yet; an existing user is used as is.'}),
    ...linkFlags,
    ...delegateFlags,
    'id-hint': Flags.string({description: 'Name or e-mail shown in Tink Link. Default: the user id given.'}),
    scope: Flags.string({char: 's', description: `Scopes of the user token, comma-separated (repeatable). Default: ${DATA_SCOPES}.`, multiple: true}),
    'redirect-uri': Flags.string({
      description: `Where Tink Link returns. A loopback http URI (localhost, 127.0.0.1, [::1]) is listened on by tink itself; any other is pasted back. Env: TINK_REDIRECT_URI; else the profile's; else ${DEFAULT_REDIRECT_URI}.`,
    }),
    'no-browser': Flags.boolean({description: 'Do not open a browser: print the Tink Link URL on stderr.'}),
    wait: Flags.integer({description: 'Seconds to wait for the browser to come back.', default: 600, min: 1, max: 86_400}),
    raw: Flags.boolean({description: 'Print only the user access token and a newline.', exclusive: ['json']}),
  },
  needs: {keychain: true},
}) {
  static override summary = 'Send a customer through Tink Link in the browser and print what the flow returns.'
  static override examples = [
    {
      description: 'Against the emulator: create the user in GB, finish in the browser; the token goes to the token cache',
      command: '<%= config.bin %> <%= command.id %> --external-user-id demo-1 --create --market GB',
    },
    {
      description: 'On a machine without a browser: print the URL, JSON out (with the token)',
      command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --no-browser --json',
    },
    {
      description: "With Tink's own callback (registered for every Console app): paste the address the browser ends on",
      command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --redirect-uri https://console.tink.com/callback',
    },
  ]

  static override description = `With --external-user-id or --user-id (continuous access): mints a delegated grant for a flow Tink documents for permanent users; the URL carries the user's own market and locale (GET /api/v1/user) unless --market/--locale or TINK_MARKET/TINK_LOCALE say otherwise. Without a user: a one-time URL for a flow Tink documents one-time (income-check/create-report, pay, account-check, transactions/connect-accounts, ...). tink opens Tink Link with a random state (it says it opened a browser only when one started; with no display it asks you to open the URL) and takes the customer's return: on a loopback --redirect-uri (localhost, 127.0.0.1, [::1]; the default is http://localhost:3000/callback) tink listens there itself; on any other it asks for the address the browser ended on (a terminal prompt, or one line on stdin). A callback with another state is refused.
What the flow returns: a code is exchanged for a user token; continuous access (credentials_id, no code) mints an authorization grant for --scope and exchanges it; a report flow's id (account_verification_report_id, income_check_id, expense_check_id, risk_insights_id) or pay's payment_request_id is printed as Tink sent it. The output always names the user (user_id, external_user_id); the token itself is printed only with --raw or --json, and a user's token is kept in the token cache.
Exit codes beyond the usual: 8 the customer cancelled (USER_CANCELLED), 9 another Tink Link error or a refused callback, 10 no callback within --wait, 5 the callback port cannot be listened on, 130 Ctrl-C.`

  protected async main(f: Factory): Promise<Outcome<LinkConnectResult>> {
    const {flags} = this
    const state = randomBytes(16).toString('hex')
    const withUser = flags['user-id'] !== undefined || flags['external-user-id'] !== undefined
    if (flags.create && flags['external-user-id'] === undefined)
      throw usageError('--create needs --external-user-id', 'Tink creates users by the id your app gives them: use --external-user-id ID --create')
    const scope = joinScopes(flags.scope) ?? DATA_SCOPES
    // Without a user, a report or payment flow returns its id and no code: --raw would have no token to print.
    if (flags.raw && !withUser) {
      const result = flowSpec(checkFlow(flags.flow)).result
      if (result !== 'credentials')
        throw usageError(
          `--raw prints a user token; --flow ${checkFlow(flags.flow)} returns ${result}, no token`,
          'Drop --raw (the id is printed), or use --json',
        )
    }
    const setting = await f.settings().get('redirectUri')
    const redirect = checkRedirectUri(setting?.value ?? DEFAULT_REDIRECT_URI, setting?.origin ?? 'the built-in default')
    f.print.trace(`* redirectUri from ${setting?.origin ?? 'built-in default'}`)
    const deps = linkDeps(f)
    const params = linkParamsFromFlags(flags, state)
    const request = withUser
      ? await prepareLinkRequest(deps, {
          user: userRef(flags),
          flow: flags.flow,
          params,
          actorClientId: flags['actor-client-id'],
          idHint: flags['id-hint'] ?? flags['external-user-id'] ?? flags['user-id'],
          command: 'tink link connect',
        })
      : undefined
    const create = request && flags.create ? await createdMarketLocale(f) : undefined
    await f.run.preflight({needsCredentials: true})

    const result = await connectLink(
      {redirect, state, waitSeconds: flags.wait, noBrowser: Boolean(flags['no-browser']), scope, request, create, oneTime: {flow: flags.flow, params}},
      {
        ...deps,
        api: await f.api(),
        signal: f.signal,
        env: f.io.env,
        note: (line) => f.print.note(line),
        paste: (validate) =>
          canPrompt(f.io) ? askText(f.io, 'Paste the address the browser ended on:', validate) : f.stdin.value('the address the browser ended on'),
      },
    )
    this.render(f, result, Boolean(request))
    return {result}
  }

  /** --raw: the token alone; else the fields, the token itself only with --json (it is a secret on a screen). */
  private render(f: Factory, result: LinkConnectResult, cached: boolean): void {
    const token = result.token
    if (this.flags.raw) {
      if (!token)
        throw new CliError('--raw prints a user token, and this flow returned none', {
          exitCode: ExitCode.LINK_FAILED,
          code: 'no_token',
          hint: 'Drop --raw: the flow returned a report or payment id (printed without it)',
        })
      f.io.stdout.write(token.access_token + '\n')
      return
    }
    f.print.out(
      formatFields([
        ['user_id', result.user_id],
        ['external_user_id', result.external_user_id],
        ['credentials_id', result.credentials_id],
        ['account_verification_report_id', result.account_verification_report_id],
        ['income_check_id', result.income_check_id],
        ['expense_check_id', result.expense_check_id],
        ['risk_insights_id', result.risk_insights_id],
        ['payment_request_id', result.payment_request_id],
        ['scope', token?.scope],
        ['expires_at', token?.expires_at],
      ]),
    )
    if (token && !f.json)
      f.print.note(
        cached
          ? 'The user token is in the token cache (tink api, tink token get use it); print it with --raw or --json.'
          : 'Print the user token with --raw or --json.',
      )
  }
}

/** --create: the market (flag, env or profile, as user create) and its locale. */
async function createdMarketLocale(f: Factory): Promise<{market: string; locale: string}> {
  const m = await f.settings().get('market')
  const l = await f.settings().get('locale')
  if (!m || m.source === 'default')
    throw usageError('--create needs --market', 'Give the ISO 3166-1 alpha-2 market the user is created in, e.g. --market GB (or set TINK_MARKET)')
  const market = checkMarket(m.value, m.origin)
  return {market, locale: !l || l.source === 'default' ? defaultLocale(market) : checkLocale(l.value, l.origin)}
}
