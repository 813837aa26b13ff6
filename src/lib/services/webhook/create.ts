/**
 * `tink webhook create`: subscribe a URL to Tink events. Tink returns the endpoint's signing
 * secret only in this answer, so it is either handed back to be shown once, or saved in the
 * profile's secret store (and the keychain's ability to save it is checked before Tink makes it).
 */
import {CliError, ExitCode, toCliError} from '../../errors/cli-error.js'
import {accounts, KeytarStore, type SecretStore} from '../../secrets/keychain.js'
import type {CreateInput, WebhookEndpoint, WebhookEndpoints} from '../../webhook/endpoints.js'
import type {WebhookSecrets} from '../../webhook/saved-secrets.js'

export type WebhookCreateOptions = CreateInput

export interface WebhookCreateDeps {
  endpoints: WebhookEndpoints
  /** Save the secret here (--save) instead of handing it back to be shown. */
  saveIn?: {secrets: WebhookSecrets; store?: SecretStore}
}

export interface WebhookCreated {
  /** Tink's answer, the secret included. */
  endpoint: WebhookEndpoint
  secret: string
  /** Where the secret was saved. */
  saved?: {profile: string; where: string}
  /** Saving was asked for and failed after Tink made the endpoint: the secret must be shown instead. */
  saveFailure?: CliError
}

export async function createWebhook(deps: WebhookCreateDeps, options: WebhookCreateOptions): Promise<WebhookCreated> {
  const saveIn = deps.saveIn
  // A keychain that cannot save must be found out before Tink hands out a secret it shows only once.
  if (saveIn?.store instanceof KeytarStore) await saveIn.store.checkWritable(accounts.probe(saveIn.secrets.profile), 'save the webhook secret in the keychain')
  const endpoint = await deps.endpoints.create(options)
  const secret = endpoint.secret
  if (typeof secret !== 'string' || !secret)
    throw new CliError(`Tink created webhook ${endpoint.id} but returned no secret`, {
      exitCode: ExitCode.UNAVAILABLE,
      code: 'invalid_response',
      hint: `Delete it with tink webhook delete ${endpoint.id} and create it again`,
    })
  if (!saveIn) return {endpoint, secret}
  try {
    await saveIn.secrets.save(endpoint.id, secret)
  } catch (err) {
    return {endpoint, secret, saveFailure: toCliError(err)}
  }
  return {endpoint, secret, saved: {profile: saveIn.secrets.profile, where: saveIn.secrets.where}}
}
