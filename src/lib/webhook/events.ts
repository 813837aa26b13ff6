/** Tink's webhook event names, and the check of an --events list against them. */
import {usageError} from '../errors/cli-error.js'

/**
 * Every event Tink documents for events v2 webhooks, with what fires it.
 * Source: docs.tink.com/resources/api-setup/webhooks ("Available events"; Tiny-doc docs/tink_docs_home/resources/api-setup/webhooks),
 * plus account-transactions:deleted from docs.tink.com/resources/business-transactions/webhooks-for-business-transactions.
 */
export const TINK_EVENTS: Readonly<Record<string, string>> = {
  'account-transactions:modified': 'an account has new or updated transactions, whatever their booking status',
  'account-booked-transactions:modified': 'an account has new or updated transactions with status BOOKED',
  'account-transactions:deleted': 'transactions of an account were deleted',
  'account:created': 'an account was created',
  'account:updated': 'an account was updated',
  'refresh:finished': 'a refresh of a credentials or consent finished (on demand or in the background)',
  'actionable-insights:created': 'an insight was generated (Money Manager only)',
  'payment:updated': "a transfer of one of the app's payments was updated",
  'mandate-payment:updated': 'a mandate payment reached a final status',
}

/** `--events a,b` (repeatable): the distinct names in the order given; an unknown one is a usage error listing Tink's. */
export function parseEvents(values: readonly string[]): string[] {
  const names = [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ]
  if (names.length === 0) throw usageError('--events lists no event', `Give one or more of: ${Object.keys(TINK_EVENTS).join(', ')}`)
  const unknown = names.filter((n) => !Object.hasOwn(TINK_EVENTS, n))
  if (unknown.length > 0) {
    throw usageError(
      `Unknown event${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}`,
      `Tink's events are: ${Object.keys(TINK_EVENTS).join(', ')}`,
    )
  }
  return names
}
