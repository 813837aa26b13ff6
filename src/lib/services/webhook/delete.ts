/** `tink webhook delete ID`: the endpoint is deleted at Tink, then a secret saved for it in the profile is dropped too. */
import {tinkSaid} from '../../errors/cli-error.js'
import type {WebhookEndpoints} from '../../webhook/endpoints.js'
import type {WebhookSecrets} from '../../webhook/saved-secrets.js'
import {notFound} from './common.js'

export interface WebhookDeleteDeps {
  endpoints: WebhookEndpoints
  /** The profile's saved secrets; undefined without a profile. */
  saved?: WebhookSecrets
  /** A warning for people (stderr): the webhook is gone but its saved secret stayed. */
  warn: (line: string) => void
}

export interface WebhookDeleted {
  deleted: true
  id: string
  savedSecretRemoved: boolean
}

/** Exit 4 (not found) when Tink has no endpoint with the id; a secret that cannot be removed is only a warning. */
export async function deleteWebhook(deps: WebhookDeleteDeps, id: string): Promise<WebhookDeleted> {
  try {
    await deps.endpoints.delete(id)
  } catch (err) {
    if (tinkSaid(err, 404)) throw notFound(id)
    throw err
  }
  let savedSecretRemoved = false
  if (deps.saved) {
    try {
      savedSecretRemoved = await deps.saved.remove(id)
    } catch (err) {
      deps.warn(`webhook ${id} is deleted, but its saved secret could not be removed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return {deleted: true, id, savedSecretRemoved}
}
