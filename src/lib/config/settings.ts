/**
 * One resolver for every value a command needs (credentials, region, base URL, Tink Link
 * defaults), as an ordered list of layers: flag/stdin > env > profile > built-in defaults.
 * Profiles and the keychain plug in as further layers; commands never look at process.env.
 * A layer that depends on another setting asks through the lookup it is given.
 */
export type SettingKey = 'clientId' | 'clientSecret' | 'region' | 'baseUrl' | 'linkBaseUrl' | 'market' | 'locale' | 'redirectUri'
export type SettingSource = 'flag' | 'stdin' | 'env' | 'profile' | 'keychain' | 'file' | 'default'

export interface Resolved {
  value: string
  source: SettingSource
  /** Human detail for --verbose and `profile status`: "env TINK_CLIENT_ID", "profile us-prod". */
  origin: string
}

/** How a layer asks for another setting (the profile's secret is offered only for its own client id). */
export type SettingLookup = (key: SettingKey) => Promise<Resolved | undefined>

export interface SettingsLayer {
  readonly source: SettingSource
  get(key: SettingKey, lookup: SettingLookup): string | undefined | Promise<string | undefined>
  /** How to describe this layer for a given key. */
  describe(key: SettingKey): string
}

export const ENV_VARS: Record<SettingKey, string> = {
  clientId: 'TINK_CLIENT_ID',
  clientSecret: 'TINK_CLIENT_SECRET',
  region: 'TINK_REGION',
  baseUrl: 'TINK_API_URL',
  linkBaseUrl: 'TINK_LINK_URL',
  market: 'TINK_MARKET',
  locale: 'TINK_LOCALE',
  redirectUri: 'TINK_REDIRECT_URI',
}

export class SettingsResolver {
  private readonly cache = new Map<SettingKey, Promise<Resolved | undefined>>()
  private readonly lookupOther: SettingLookup = (key) => this.get(key)

  constructor(readonly layers: readonly SettingsLayer[]) {}

  /** First layer that has a non-empty value wins; each key is looked up once per run. */
  get(key: SettingKey): Promise<Resolved | undefined> {
    let hit = this.cache.get(key)
    if (!hit) {
      hit = this.lookup(key)
      this.cache.set(key, hit)
    }
    return hit
  }

  async value(key: SettingKey): Promise<string | undefined> {
    return (await this.get(key))?.value
  }

  /** Every layer's answer for a key, in precedence order: what `profile status` shows. */
  async explain(key: SettingKey): Promise<Array<Resolved>> {
    const found: Resolved[] = []
    for (const layer of this.layers) {
      const v = await layer.get(key, this.lookupOther)
      if (v !== undefined && v !== '') found.push({value: v, source: layer.source, origin: layer.describe(key)})
    }
    return found
  }

  private async lookup(key: SettingKey): Promise<Resolved | undefined> {
    for (const layer of this.layers) {
      const v = await layer.get(key, this.lookupOther)
      if (v !== undefined && v !== '') return {value: v, source: layer.source, origin: layer.describe(key)}
    }
    return undefined
  }
}

/** Values given on the command line (or read from stdin for secrets). */
export function valuesLayer(source: 'flag' | 'stdin', values: Partial<Record<SettingKey, string | undefined>>): SettingsLayer {
  return {
    source,
    get: (key) => values[key],
    describe: (key) => (source === 'stdin' ? 'standard input' : `flag --${flagName(key)}`),
  }
}

export function envLayer(env: NodeJS.ProcessEnv): SettingsLayer {
  return {
    source: 'env',
    get: (key) => {
      const v = env[ENV_VARS[key]]
      return v === undefined ? undefined : v.trim()
    },
    describe: (key) => `env ${ENV_VARS[key]}`,
  }
}

export const BUILTIN_DEFAULTS: Partial<Record<SettingKey, string>> = {
  region: 'eu',
  market: 'GB',
  locale: 'en_US',
}

export function defaultsLayer(defaults = BUILTIN_DEFAULTS): SettingsLayer {
  return {source: 'default', get: (key) => defaults[key], describe: () => 'built-in default'}
}

function flagName(key: SettingKey): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()).replace('client-secret', 'client-secret-stdin')
}

/**
 * The line that says a flag given on the command line is not used because another setting ranks
 * above it (README, "Where settings come from"): `--region us is not used: TINK_API_URL is set`.
 * Undefined when nothing given as a flag was overridden. `what` names what the winner decides,
 * when the flag still decides something else (the region still picks the Tink Link host).
 */
export function overriddenFlag(flag: SettingKey, given: Resolved | undefined, winner: Resolved, what: string, winnerIs: string): string | undefined {
  if (given?.source !== 'flag' || winner.source === 'flag') return undefined
  const by = winner.source === 'env' ? `${winner.origin.replace(/^env /, '')} is set` : `${winner.origin} sets ${winnerIs}`
  return `--${flagName(flag)} ${given.value} is not used for ${what}: ${by}`
}
