import {Args, Flags} from '@oclif/core'
import {command} from '../../lib/cli/base-command.js'
import type {Factory, Outcome} from '../../lib/cli/factory.js'
import {userFlags} from '../../lib/cli/flags.js'
import {userRef} from '../../lib/cli/user-ref.js'
import {checkEvent, parseEventData, triggerEvent, type TriggerResult} from '../../lib/webhook/emulator-trigger.js'
import {TINK_EVENTS} from '../../lib/webhook/events.js'

export default class EmulatorTrigger extends command({
  flags: {
    ...userFlags,
    data: Flags.string({description: "The event content as a JSON object, merged over a sample built from the user's bank connection."}),
  },
  args: {
    event: Args.string({description: "The event, one of Tink's: refresh:finished, account:created, account-transactions:modified, ...", required: true}),
  },
  needs: {request: 'always'},
}) {
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

  protected async main(f: Factory): Promise<Outcome<TriggerResult>> {
    const event = checkEvent(this.args.event, Object.keys(TINK_EVENTS))
    const user = userRef(this.flags)
    const data = parseEventData(this.flags.data)
    const baseUrl = await f.run.baseUrl()
    const clientId = await f.run.setting('clientId')
    const http = await f.http()
    const r = await triggerEvent({request: (spec) => http.request(spec)}, {event, user, data, clientId, baseUrl})
    if (r.endpoints === 0) f.print.note(`No enabled webhook endpoint of this app is subscribed to ${event}: nothing was delivered (see tink webhook list)`)
    f.print.out(`Emitted ${event} for user ${r.userId} to ${r.endpoints} webhook endpoint${r.endpoints === 1 ? '' : 's'}`)
    return {result: r}
  }
}
