/**
 * Tink's events v2 webhook events and delivery policy.
 * Events: docs.tink.com/resources/api-setup/webhooks ("Available events"; Tiny-doc
 * docs/tink_docs_home/resources/api-setup/webhooks), plus account-transactions:deleted from the
 * Transactions webhooks page ("Event: Account transactions deleted").
 * Retries: docs.tink.com/api#events-v2 (Create Webhook Endpoint): up to 3 times at exponential
 * intervals on 408, 429, 500, 502, 503, 504; never when no connection can be made.
 */
// Tink's webhooks page, "Available events", and the Transactions webhooks page (account-transactions:deleted).
export const TINK_EVENTS: readonly string[] = [
  'account-transactions:modified',
  'account-booked-transactions:modified',
  'account-transactions:deleted',
  'account:created',
  'account:updated',
  'refresh:finished',
  'actionable-insights:created',
  'payment:updated',
  'mandate-payment:updated',
]

export const isTinkEvent = (v: unknown): v is string => typeof v === 'string' && TINK_EVENTS.includes(v)

// Tink's events v2 reference, Create Webhook Endpoint: the statuses it retries on.
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])
export const MAX_RETRIES = 3

/** The header Tink signs deliveries with (docs.tink.com/resources/api-setup/webhook-signature-validation). */
export const SIGNATURE_HEADER = 'x-tink-signature'
