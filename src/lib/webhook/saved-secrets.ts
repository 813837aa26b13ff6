/**
 * Webhook secrets kept in a profile's secret store (the OS keychain, or the profile's explicit
 * file store): one item per webhook id, and an index item listing the ids, because the keychain
 * is never listed (keychain.ts: findCredentials crashes on a locked collection).
 */
import {usageError} from '../errors/cli-error.js'
import {accounts, type SecretStore} from '../secrets/keychain.js'

/** Item names in keychain.ts, where `tink profile remove` (stores.ts deleteWebhookSecrets) finds them too. */
const webhookAccounts = {secret: accounts.webhookSecret, index: accounts.webhookIndex}

export class WebhookSecrets {
  constructor(
    private readonly store: SecretStore,
    readonly profile: string,
  ) {}

  get where(): string {
    return this.store.where
  }

  async ids(): Promise<string[]> {
    const raw = await this.store.get(webhookAccounts.index(this.profile))
    if (!raw) return []
    try {
      const parsed: unknown = JSON.parse(raw)
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : []
    } catch {
      return []
    }
  }

  async save(id: string, secret: string): Promise<void> {
    await this.store.set(webhookAccounts.secret(this.profile, id), secret)
    const ids = await this.ids()
    if (!ids.includes(id)) await this.store.set(webhookAccounts.index(this.profile), JSON.stringify([...ids, id]))
  }

  async get(id: string): Promise<string | undefined> {
    return this.store.get(webhookAccounts.secret(this.profile, id))
  }

  /** Drops the secret of a deleted webhook; true when one was saved. */
  async remove(id: string): Promise<boolean> {
    const found = await this.store.delete(webhookAccounts.secret(this.profile, id))
    const ids = await this.ids()
    if (ids.includes(id)) await this.store.set(webhookAccounts.index(this.profile), JSON.stringify(ids.filter((x) => x !== id)))
    return found
  }

  /** The secret of `id`, or of the one webhook with a saved secret; a usage error otherwise. */
  async pick(id: string | undefined): Promise<{id: string; secret: string}> {
    if (id !== undefined) {
      const secret = await this.get(id)
      if (secret === undefined)
        throw usageError(
          `No saved secret for webhook ${id} in profile "${this.profile}"`,
          'Save one with tink webhook create --save, or pipe it to --secret-stdin, or set TINK_WEBHOOK_SECRET',
        )
      return {id, secret}
    }
    const ids = await this.ids()
    if (ids.length > 1)
      throw usageError(`Profile "${this.profile}" has saved secrets for ${ids.length} webhooks (${ids.join(', ')})`, 'Pick one with --webhook-id ID')
    const only = ids[0]
    const secret = only === undefined ? undefined : await this.get(only)
    if (only === undefined || secret === undefined) throw noSecret(`profile "${this.profile}" has no saved webhook secret`)
    return {id: only, secret}
  }
}

/** No webhook secret anywhere: a usage error (exit 2) saying the three ways to give one. */
export function noSecret(why: string) {
  return usageError(`No webhook secret: ${why}`, 'Pipe it to --secret-stdin, set TINK_WEBHOOK_SECRET, or save it with tink webhook create --save')
}
