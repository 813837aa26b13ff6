import {emulatorTrigger, emulatorTriggerArgs, emulatorTriggerFlags} from '../../lib/actions/emulator-trigger.js'
import {commandOf} from '../../lib/cli/base-command.js'

export default class EmulatorTrigger extends commandOf(emulatorTrigger, {flags: emulatorTriggerFlags, args: emulatorTriggerArgs, needs: {request: 'always'}}) {
  static override summary = 'Make the emulator send a webhook event for a user, now.'

  static override description = `Asks the tink emulator at the API base URL (--base-url, TINK_API_URL or the profile's) to emit EVENT for the user through its admin endpoint (POST /__emulator/events), as if it had happened on Tink: the emulator signs it (X-Tink-Signature) and delivers it to the enabled webhook endpoints of the app subscribed to it, retrying on 408, 429 and 5xx gateway answers as Tink does. --data sets the event content (a JSON object merged over a sample built from the user's Demo Bank connection). The app is the client id of the profile or TINK_CLIENT_ID when one is set (external user ids are unique per app); no secret is needed.

A base URL that is not an emulator (no GET /__emulator/health) is refused before anything is sent, so a trigger can never reach the live Tink. An unknown event is a usage error listing Tink's events. With --json: {"event","userId","endpoints"}.

Exit codes: 0 the event was queued (also for no subscribed endpoint: a line on stderr says so), 2 bad input or not an emulator, 4 the emulator has no such user (or several apps have that external id: give --user-id), 5 the emulator cannot be reached.`

  static override examples = [
    {
      description: 'A refresh:finished for a user, to every endpoint subscribed to it:',
      command: '<%= config.bin %> <%= command.id %> refresh:finished --external-user-id user-123',
    },
    {
      description: 'A failed refresh, with content of your own:',
      command: `<%= config.bin %> <%= command.id %> refresh:finished --user-id 0123456789abcdef0123456789abcdef --data '{"credentialsStatus":"TEMPORARY_ERROR"}'`,
    },
  ]
}
