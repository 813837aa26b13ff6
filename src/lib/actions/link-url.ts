/**
 * `tink link url`: a one-time Tink Link URL, with no user and no delegated code, for a support
 * person to send an applicant (an income check, a payment, an account check...).
 */
import {Flags} from '@oclif/core'
import type {Factory, Outcome} from '../cli/factory.js'
import type {CommandFlags} from '../cli/flags.js'
import {buildLinkUrl, type LinkFlow, type LinkParams} from '../tink/link.js'
import {
  checkedLinkParams,
  checkExplicitMarketLocale,
  checkFlowFor,
  linkFlags,
  linkMarketLocale,
  requiredRedirectUri,
  type LinkFlagValues,
} from './link-common.js'

export const linkUrlFlags = {
  ...linkFlags,
  'redirect-uri': Flags.string({
    description:
      "Where Tink Link sends the applicant afterwards (must be registered for your app; Tink's own https://console.tink.com/callback always is). Env: TINK_REDIRECT_URI. Required.",
  }),
  state: Flags.string({description: 'Opaque value passed back to your redirect URI.'}),
}

export interface OneTimeLink {
  flow: LinkFlow
  url: string
  market?: string
  locale?: string
}

/** Checks a one-time flow and its parameters and builds its URL (no request is sent). */
export async function oneTimeLink(f: Factory, flags: LinkFlagValues, redirectUri: string, state: string | undefined, command: string): Promise<OneTimeLink> {
  const flow = checkFlowFor(flags.flow, false, command)
  const params: LinkParams = checkedLinkParams(flow, flags, state)
  const {market, locale} = await linkMarketLocale(f, flow, undefined)
  // Only the client id goes into the URL: no request is sent, so no secret is needed.
  const clientId = (await f.settings().get('clientId'))?.value ?? (await f.run.credentials()).clientId
  const url = buildLinkUrl({linkBaseUrl: await f.run.linkBaseUrl(), flow, clientId, market, locale, redirectUri, ...params})
  return {flow, url, market, locale}
}

export async function linkUrl(f: Factory, flags: CommandFlags<typeof linkUrlFlags>): Promise<Outcome<OneTimeLink>> {
  checkFlowFor(flags.flow, false, 'tink link url')
  await checkExplicitMarketLocale(f)
  const redirect = await requiredRedirectUri(f)
  const link = await oneTimeLink(f, flags, redirect, flags.state, 'tink link url')
  f.print.out(link.url)
  return {result: link}
}
