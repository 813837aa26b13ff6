import {linkConnect, linkConnectFlags} from '../../lib/actions/link-connect.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class LinkConnect extends commandOf(linkConnect, {flags: linkConnectFlags, needs: {keychain: true}}) {
  static override summary = 'Send a customer through Tink Link in the browser and print what the flow returns.'
  static override description = `With --external-user-id or --user-id (continuous access): mints a delegated grant for a flow Tink documents for permanent users; the URL carries the user's own market and locale (GET /api/v1/user) unless --market/--locale or TINK_MARKET/TINK_LOCALE say otherwise. Without a user: a one-time URL for a flow Tink documents one-time (income-check/create-report, pay, account-check, transactions/connect-accounts, ...). tink opens Tink Link with a random state (it says it opened a browser only when one started; with no display it asks you to open the URL) and takes the customer's return: on a loopback --redirect-uri (localhost, 127.0.0.1, [::1]; the default is http://localhost:3000/callback) tink listens there itself; on any other it asks for the address the browser ended on (a terminal prompt, or one line on stdin). A callback with another state is refused.
What the flow returns: a code is exchanged for a user token; continuous access (credentials_id, no code) mints an authorization grant for --scope and exchanges it; a report flow's id (account_verification_report_id, income_check_id, expense_check_id, risk_insights_id) or pay's payment_request_id is printed as Tink sent it. The output always names the user (user_id, external_user_id); the token itself is printed only with --raw or --json, and a user's token is kept in the token cache.
Exit codes beyond the usual: 8 the customer cancelled (USER_CANCELLED), 9 another Tink Link error or a refused callback, 10 no callback within --wait, 5 the callback port cannot be listened on, 130 Ctrl-C.`

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
}
