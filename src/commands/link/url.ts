import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {linkDeps, linkFlags, linkParamsFromFlags, printedUrlFlags} from '../../lib/cli/link-flags.js'
import {checkExplicitMarketLocale, checkFlowFor, requiredRedirectUri} from '../../lib/services/link/common.js'
import {oneTimeLink, type OneTimeLink} from '../../lib/services/link/url.js'

export default class LinkUrl extends command({flags: {...linkFlags, ...printedUrlFlags('the applicant')}}) {
  static override summary = 'Print a one-time Tink Link URL (no user, no code) to send an applicant.'
  static override examples = [
    {
      description: 'An income check for an applicant in Sweden',
      command: '<%= config.bin %> <%= command.id %> --flow income-check/create-report --market SE --redirect-uri https://console.tink.com/callback',
    },
    {
      description: 'A payment the customer approves at their bank',
      command:
        '<%= config.bin %> <%= command.id %> --flow pay --payment-request-id PAYMENT_REQUEST_ID --market GB --locale en_GB --redirect-uri https://console.tink.com/callback',
    },
  ]

  static override description = `Builds the Tink Link URL of a flow Tink documents for one-time access: the report flows (income-check/create-report, expense-check/create-report, risk-insights/create-report, account-check/create-report), pay (with --payment-request-id), account-check, and the connect flows that also take a permanent user. Nothing is sent to Tink: the URL carries your client id and redirect URI, no user and no code. Human output is the URL alone on stdout; --json prints {"flow", "url", "market", "locale"}.
A flow for permanent users only (credentials/*, the update-consent flows, pay/credentials) is refused: use tink grant delegate. A parameter the flow does not take is refused, naming the flows that take it. Where Tink requires market and locale (transactions, business-transactions, pay, account-check), a market is required (flag, TINK_MARKET or the profile's) and the locale defaults to the market's. A market the flow does not serve is a warning.`

  protected async main(f: Factory): Promise<Outcome<OneTimeLink>> {
    const {flags} = this
    const command = 'tink link url'
    const deps = linkDeps(f)
    checkFlowFor(flags.flow, false, command)
    await checkExplicitMarketLocale(deps)
    const redirectUri = await requiredRedirectUri(deps)
    const link = await oneTimeLink(deps, {flow: flags.flow, params: linkParamsFromFlags(flags, flags.state), redirectUri, command})
    f.print.out(link.url)
    return {result: link}
  }
}
