import {linkConnect, linkConnectFlags} from '../../lib/actions/link-connect.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class LinkConnect extends commandOf(linkConnect, {flags: linkConnectFlags}) {
  static override summary = 'Connect a bank through Tink Link in the browser and print a working user token.'
  static override description = `Mints a delegated grant, opens Tink Link with a random state, and takes the customer's return: on a loopback --redirect-uri (localhost, 127.0.0.1, [::1]; the default is http://localhost:3000/callback) tink listens there itself; on any other it asks for the address the browser ended on (a terminal prompt, or one line on stdin). A callback with another state is refused. With a code it is exchanged; without one (continuous access) an authorization grant for --scope is minted and exchanged. The user token is kept in the token cache.
Exit codes beyond the usual: 8 the customer cancelled (USER_CANCELLED), 9 another Tink Link error or a refused callback, 10 no callback within --wait, 5 the callback port cannot be listened on, 130 Ctrl-C.`

  static override examples = [
    {description: 'Against the emulator: create the user, finish in the browser, get a token', command: '<%= config.bin %> <%= command.id %> --external-user-id demo-1 --create'},
    {description: 'On a machine without a browser: print the URL, JSON out', command: '<%= config.bin %> <%= command.id %> --user-id 0123456789abcdef0123456789abcdef --no-browser --json'},
    {description: "With your app's real callback: paste the address the browser ends on", command: '<%= config.bin %> <%= command.id %> --external-user-id user-123 --redirect-uri https://example.com/callback'},
  ]
}
