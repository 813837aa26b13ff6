/**
 * Tink Link URLs: what a support person sends a customer after a delegated grant. Flows and
 * parameters as in TINK-API-NOTES.md; every query value is URL-encoded by URLSearchParams.
 */
import {usageError} from '../errors/cli-error.js'

export const LINK_FLOWS = [
  'transactions/connect-accounts',
  'products/connect-accounts',
  'account-check/connect',
  'transactions/update-consent',
  'transactions/extend-consent',
] as const
export type LinkFlow = (typeof LINK_FLOWS)[number]

export interface LinkUrlInput {
  linkBaseUrl: string
  flow: string
  clientId: string
  code: string
  market: string
  locale: string
  redirectUri?: string
  state?: string
  test?: boolean
  products?: string
  credentialsId?: string
}

export function checkFlow(flow: string): LinkFlow {
  const f = flow.replace(/^\/?(1\.0\/)?/, '') as LinkFlow
  if (!LINK_FLOWS.includes(f)) throw usageError(`Unknown Tink Link flow "${flow}"`, `Use one of: ${LINK_FLOWS.join(', ')}`)
  return f
}

/** Checks the flow's own requirements before any request is sent. */
export function checkFlowParams(flow: LinkFlow, products?: string, credentialsId?: string): void {
  if (flow === 'products/connect-accounts' && !products) {
    throw usageError('--flow products/connect-accounts needs --products', 'e.g. --products ACCOUNT_CHECK,TRANSACTIONS')
  }
  if ((flow === 'transactions/update-consent' || flow === 'transactions/extend-consent') && !credentialsId) {
    throw usageError(`--flow ${flow} needs --credentials-id`, 'Give the id of the credentials whose consent to update or extend')
  }
}

export function buildLinkUrl(input: LinkUrlInput): string {
  const flow = checkFlow(input.flow)
  const url = new URL(`${input.linkBaseUrl.replace(/\/+$/, '')}/1.0/${flow}`)
  const q = url.searchParams
  q.set('client_id', input.clientId)
  if (input.redirectUri) q.set('redirect_uri', input.redirectUri)
  q.set('authorization_code', input.code)
  q.set('market', input.market)
  q.set('locale', input.locale)
  if (input.products) q.set('products', input.products)
  if (input.credentialsId) q.set('credentials_id', input.credentialsId)
  if (input.state) q.set('state', input.state)
  if (input.test) q.set('test', 'true')
  return url.toString()
}
