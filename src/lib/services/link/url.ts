/**
 * A one-time Tink Link URL, with no user and no delegated code (`tink link url`, and `tink link
 * connect` without a user): for a support person to send an applicant an income check, a payment,
 * an account check... No request is sent.
 */
import {buildLinkUrl, checkLinkParams, type LinkFlow, type LinkParams} from '../../tink/link.js'
import {checkFlowFor, linkMarketLocale, type LinkDeps} from './common.js'

export interface OneTimeLinkOptions {
  /** The flow as given: it must be one a one-time URL can start. */
  flow: string
  /** The Link parameters as given, checked against the flow. */
  params: LinkParams
  redirectUri: string
  /** The command, for the message that sends a permanent user's flow elsewhere. */
  command: string
}

export interface OneTimeLink {
  flow: LinkFlow
  url: string
  market?: string
  locale?: string
}

/** Checks a one-time flow and its parameters and builds its URL. */
export async function oneTimeLink(deps: LinkDeps, o: OneTimeLinkOptions): Promise<OneTimeLink> {
  const flow = checkFlowFor(o.flow, false, o.command)
  const params = checkLinkParams(flow, o.params)
  const {market, locale} = await linkMarketLocale(deps, flow)
  // Only the client id goes into the URL: no request is sent, so no secret is needed.
  const clientId = (await deps.setting('clientId'))?.value ?? (await deps.credentials()).clientId
  const url = buildLinkUrl({linkBaseUrl: await deps.linkBaseUrl(), flow, clientId, market, locale, redirectUri: o.redirectUri, ...params})
  return {flow, url, market, locale}
}
