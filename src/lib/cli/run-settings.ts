/**
 * The rules that turn settings into what a run uses: the API and Tink Link base URLs (region or
 * explicit, checked), the timeout, the client credentials (exit 3 when missing) and how to fix
 * refused credentials where they came from. Each is settled once per run.
 */
import {ENV_VARS, overriddenFlag, type SettingKey, type SettingsResolver, type SettingSource} from '../config/settings.js'
import {CliError, ExitCode} from '../errors/cli-error.js'
import type {ClientCredentials} from '../tink/api.js'
import {checkBaseUrl, checkRegion, checkTimeoutMs, REGIONS} from '../tink/validate.js'

export interface RunSettingsOptions {
  settings: () => SettingsResolver
  allowInsecureHttp: boolean
  timeout: string | undefined
  /** The profile in use, if any: its name and how to fix missing credentials in it. */
  profile: () => {name?: string; missingCredentialsHint?: string} | undefined
  trace: (line: string) => void
  /** A line for people on stderr (a flag another setting makes moot). */
  note?: (line: string) => void
}

export class RunSettings {
  private baseUrlPromise?: Promise<string>
  private credentialsPromise?: Promise<ClientCredentials>
  /** Where the client secret came from, once credentials() has resolved (for the 401 hint). */
  private secretSource?: SettingSource

  constructor(private readonly o: RunSettingsOptions) {}

  baseUrl(): Promise<string> {
    this.baseUrlPromise ??= this.resolveBaseUrl()
    return this.baseUrlPromise
  }

  private async resolveBaseUrl(): Promise<string> {
    const settings = this.o.settings()
    // A bad region is bad input even when --base-url makes it moot for the API (the Tink Link
    // host still follows it): say so rather than silently ignore it.
    const region = await settings.get('region')
    const r = checkRegion(region?.value ?? 'eu', region?.origin)
    const explicit = await settings.get('baseUrl')
    if (explicit) {
      const unused = overriddenFlag('region', region, explicit, 'the API', 'the API URL')
      if (unused) this.o.note?.(unused)
      this.o.trace(`* API base URL from ${explicit.origin}`)
      return checkBaseUrl(explicit.value, explicit.origin, this.o.allowInsecureHttp)
    }
    this.o.trace(`* region ${r} from ${region?.origin ?? 'built-in default'}`)
    return REGIONS[r].api
  }

  async linkBaseUrl(): Promise<string> {
    const settings = this.o.settings()
    const explicit = await settings.get('linkBaseUrl')
    const unused = explicit && overriddenFlag('region', await settings.get('region'), explicit, 'Tink Link', 'the Tink Link URL')
    if (unused) this.o.note?.(unused)
    if (explicit) return checkBaseUrl(explicit.value, explicit.origin, this.o.allowInsecureHttp)
    const region = await settings.get('region')
    return REGIONS[checkRegion(region?.value ?? 'eu', region?.origin)].link
  }

  timeoutMs(): number {
    return checkTimeoutMs(this.o.timeout ?? '30')
  }

  /** Client id and secret from the first layer that has each; exit 3 when either is missing. */
  credentials(): Promise<ClientCredentials> {
    this.credentialsPromise ??= this.resolveCredentials()
    return this.credentialsPromise
  }

  private async resolveCredentials(): Promise<ClientCredentials> {
    const settings = this.o.settings()
    const id = await settings.get('clientId')
    const secret = await settings.get('clientSecret')
    if (!id || !secret) {
      const missing = [!id && `client id (${ENV_VARS.clientId})`, !secret && `client secret (${ENV_VARS.clientSecret})`].filter(Boolean).join(' and ')
      throw new CliError(`No ${missing} found`, {
        exitCode: ExitCode.AUTH,
        code: 'missing_credentials',
        hint:
          this.o.profile()?.missingCredentialsHint ??
          `Set ${ENV_VARS.clientId} and ${ENV_VARS.clientSecret}, or pass --client-id and pipe the secret to --client-secret-stdin`,
      })
    }
    this.o.trace(`* client id from ${id.origin}; client secret from ${secret.origin}`)
    this.secretSource = secret.source
    return {clientId: id.value, clientSecret: secret.value}
  }

  /** A setting's value, traced with its origin for --verbose. */
  async setting(key: SettingKey): Promise<string | undefined> {
    const r = await this.o.settings().get(key)
    if (r) this.o.trace(`* ${key} from ${r.origin}`)
    return r?.value
  }

  /** Settle everything that is resolved up front, so bad input fails before any request. */
  async preflight(opts: {needsCredentials: boolean}): Promise<void> {
    this.timeoutMs()
    await this.baseUrl()
    if (opts.needsCredentials) await this.credentials()
  }

  /** What a destructive command will act on, for its confirmation prompt: `profile "eu-prod", API api.tink.com`. */
  async targetLabel(): Promise<string> {
    const name = this.o.profile()?.name
    const host = new URL(await this.baseUrl()).host
    return `${name ? `profile "${name}"` : 'no profile (credentials from flags or environment)'}, API ${host}`
  }

  /** How to fix client credentials the API refused (401), named after where they came from. */
  authHint(): string | undefined {
    const name = this.o.profile()?.name
    switch (this.secretSource) {
      case 'keychain':
      case 'file':
      case 'profile':
        return name ? `Check the client id and secret of profile "${name}" and its region; store the right secret with tink login ${name} --force` : undefined
      case 'stdin':
      case 'flag':
        return 'Check --client-id, the secret piped to --client-secret-stdin, and the region'
      case 'env':
        return `Check ${ENV_VARS.clientId}, ${ENV_VARS.clientSecret} and the region`
      default:
        return undefined
    }
  }
}
