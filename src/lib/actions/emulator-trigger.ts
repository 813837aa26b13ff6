/** `tink emulator trigger EVENT`: a webhook event from the emulator at the API base URL, now. */
import {Args, Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import {userFlags, type CommandFlags} from '../cli/flags.js'
import {userRef} from '../cli/user-ref.js'
import {TINK_EVENTS} from '../webhook/events.js'
import {checkEvent, parseEventData, triggerEvent, type TriggerResult} from '../webhook/emulator-trigger.js'

export const emulatorTriggerArgs = {
  event: Args.string({description: "The event, one of Tink's: refresh:finished, account:created, account-transactions:modified, ...", required: true}),
}

export const emulatorTriggerFlags = {
  ...userFlags,
  data: Flags.string({description: "The event content as a JSON object, merged over a sample built from the user's bank connection."}),
}

export async function emulatorTrigger(f: Factory, flags: CommandFlags<typeof emulatorTriggerFlags>, args: {event: string}): Promise<Outcome<TriggerResult>> {
  const event = checkEvent(args.event, Object.keys(TINK_EVENTS))
  const user = userRef(flags)
  const data = parseEventData(flags.data)
  const baseUrl = await f.run.baseUrl()
  const clientId = await f.run.setting('clientId')
  const http = await f.http()
  const r = await triggerEvent({request: (spec) => http.request(spec)}, {event, user, data, clientId, baseUrl})
  if (r.endpoints === 0) f.print.note(`No enabled webhook endpoint of this app is subscribed to ${event}: nothing was delivered (see tink webhook list)`)
  f.print.out(`Emitted ${event} for user ${r.userId} to ${r.endpoints} webhook endpoint${r.endpoints === 1 ? '' : 's'}`)
  return {result: r}
}
