/**
 * What `grant delegate`, `link url` and `link connect` share on the command side: the Tink Link
 * flags, the Link parameters they give, and the run's settings handed to the Link services
 * (src/lib/services/link, src/lib/services/grant/delegate.ts).
 */
import {Flags} from '@oclif/core'
import type {SettingKey} from '../config/settings.js'
import {TINK_LINK_ACTOR_CLIENT_ID} from '../tink/api.js'
import {INPUT_PROVIDER_MAX, INPUT_USERNAME_MAX, LINK_PRODUCTS, LINK_THEMES, type LinkParams} from '../tink/link.js'
import {LINK_FLOWS} from '../tink/link-flows.js'
import type {Factory} from './factory.js'
import type {CommandFlags} from './flags.js'

/** The Tink Link flow and parameters, shared by `grant delegate`, `link url` and `link connect`. */
export const linkFlags = {
  flow: Flags.string({description: `Tink Link flow: ${LINK_FLOWS.join(', ')}.`, default: 'transactions/connect-accounts'}),
  products: Flags.string({description: `Products for the products/* flows, comma-separated: ${LINK_PRODUCTS.join(', ')}.`}),
  'credentials-id': Flags.string({
    description: 'Credentials the flow acts on (the update-consent and extend-consent flows, credentials/refresh, credentials/authenticate, pay/credentials).',
  }),
  'payment-request-id': Flags.string({
    description: "The payment request the pay flows carry out (pay, pay/direct, pay/credentials; create it with Tink's Payments API).",
  }),
  'input-provider': Flags.string({
    description: `Preselect the bank by provider name (at most ${INPUT_PROVIDER_MAX} characters), e.g. uk-demobank-open-banking-redirect.`,
  }),
  'input-username': Flags.string({description: `Prefill the username at the bank (at most ${INPUT_USERNAME_MAX} characters).`}),
  'session-id': Flags.string({description: 'A Tink Link session (POST /link/v1/session) that prefills the customer.'}),
  'financial-institution-id': Flags.string({description: 'Preselect the financial institution (the connect-accounts flows).'}),
  'auto-redirect-mobile': Flags.boolean({description: 'Open the bank app directly on mobile (the products/* flows).'}),
  authenticate: Flags.boolean({description: 'Ask for a full authentication at the bank (credentials/refresh).'}),
  iframe: Flags.boolean({description: 'Tink Link runs in an iframe and reports by postMessage instead of redirecting.'}),
  'app-uri': Flags.string({description: 'URI of your mobile app, for banks that hand back through an app.'}),
  'refreshable-items': Flags.string({
    description:
      'Data to fetch, comma-separated, e.g. CHECKING_ACCOUNTS,CHECKING_TRANSACTIONS (transactions and business-transactions connect, products/*, account-check/create-report).',
  }),
  theme: Flags.string({description: `Tink Link colour theme: ${LINK_THEMES.join(' or ')} (either case).`}),
  'external-reference': Flags.string({description: 'Your reference for the report flows (letters, digits, dashes; at most 50).'}),
  market: Flags.string({
    description: "Market for Tink Link (ISO 3166-1 alpha-2). Env: TINK_MARKET. Default for an existing user: the user's own (GET /api/v1/user).",
  }),
  locale: Flags.string({description: "Locale for Tink Link, e.g. sv_SE. Env: TINK_LOCALE. Default for an existing user: the user's own."}),
  test: Flags.boolean({description: 'Open Tink Link in test mode (demo banks).'}),
  'link-base-url': Flags.string({description: "Tink Link base URL; overrides the region's (link.tink.com, link.us.tink.com). Env: TINK_LINK_URL."}),
}

/** The delegate's own flags, shared by `grant delegate` and `link connect`. */
export const delegateFlags = {
  'id-hint': Flags.string({description: 'Name or e-mail shown to the customer in Tink Link (required by Tink; prompted for on a terminal).'}),
  'actor-client-id': Flags.string({description: 'The client acting on the code.', default: TINK_LINK_ACTOR_CLIENT_ID}),
}

/** --redirect-uri (required) and --state of a URL printed for someone to open: `who` is "the customer" or "the applicant". */
export function printedUrlFlags(who: string) {
  return {
    'redirect-uri': Flags.string({
      description: `Where Tink Link sends ${who} afterwards (must be registered for your app; Tink's own https://console.tink.com/callback always is). Env: TINK_REDIRECT_URI. Required.`,
    }),
    state: Flags.string({description: 'Opaque value passed back to your redirect URI.'}),
  }
}

export type LinkFlagValues = CommandFlags<typeof linkFlags>

/** The Link parameters as given (the services check them against the flow). */
export function linkParamsFromFlags(flags: LinkFlagValues, state?: string): LinkParams {
  return {
    state,
    test: flags.test,
    products: flags.products,
    credentialsId: flags['credentials-id'],
    paymentRequestId: flags['payment-request-id'],
    inputProvider: flags['input-provider'],
    inputUsername: flags['input-username'],
    sessionId: flags['session-id'],
    financialInstitutionId: flags['financial-institution-id'],
    autoRedirectMobile: flags['auto-redirect-mobile'],
    authenticate: flags.authenticate,
    iframe: flags.iframe,
    appUri: flags['app-uri'],
    refreshableItems: flags['refreshable-items'],
    theme: flags.theme,
    externalReference: flags['external-reference'],
  }
}

/** The run's settings and lines for people, as the Link services take them (their LinkDeps). */
export function linkDeps(f: Factory) {
  return {
    // Resolved on first use, as the commands always did: a usage error comes before any profile warning.
    setting: (key: SettingKey) => f.settings().get(key),
    linkBaseUrl: () => f.run.linkBaseUrl(),
    credentials: () => f.run.credentials(),
    trace: (line: string) => f.print.trace(line),
    warn: (line: string) => f.print.warnLine(line),
  }
}
