/** Picks the profile a run uses and turns it into settings layers and a token cache. */
import type {CliError} from '../errors/cli-error.js'
import {PROFILE_KEYS, type Profile, type ProfileStore} from '../config/profiles.js'
import {ENV_VARS, type SettingKey, type SettingsLayer} from '../config/settings.js'
import {accounts, type SecretStore} from '../secrets/keychain.js'
import {missingSecret, secretStoreFor} from '../secrets/stores.js'
import {SecretTokenCache} from '../secrets/token-cache.js'
import type {TokenCache} from '../tink/api.js'

export interface ProfileSetupOptions {
  store: ProfileStore
  /** --profile value, if given. */
  flag?: string
  /** How `flag` was given, for messages: "--profile" unless a command passes its argument. */
  flagOrigin?: string
  /** Credentials given on the command line (--client-id, --client-secret-stdin); `target`: --base-url or --region. */
  credentialFlags?: {clientId: boolean; clientSecret: boolean; target?: boolean}
  env: NodeJS.ProcessEnv
  warn: (line: string) => void
  trace: (line: string) => void
}

export interface ProfileSetup {
  profile?: Profile
  /** "--profile", "TINK_PROFILE", "active profile". */
  selectedBy?: string
  layers: SettingsLayer[]
  tokenCache: TokenCache
  missingCredentialsHint: string
  secretStore?: SecretStore
  /** The broken config file, when this run would have needed a profile from it. */
  configProblem?: CliError
}

/** Picks the profile (--profile > TINK_PROFILE > active) and builds its resolver layers and token cache. */
export function profileSetup(opts: ProfileSetupOptions): ProfileSetup {
  const {env} = opts
  let store = opts.store
  const layers: SettingsLayer[] = []
  let configProblem: CliError | undefined
  if (store.problem) {
    // A broken config file blocks only runs that need something from it: with credentials and
    // the API (URL or region) from flags or env and no profile named, the command goes on without
    // profiles (and says so). Without the API given, the file may have named it: the built-in
    // default (Tink's production API) is never used in its place.
    const problem = store.problem
    if (opts.flag !== undefined || env.TINK_PROFILE) throw problem
    const idGiven = Boolean(opts.credentialFlags?.clientId || env.TINK_CLIENT_ID?.trim())
    const secretGiven = Boolean(opts.credentialFlags?.clientSecret || env.TINK_CLIENT_SECRET?.trim())
    const targetGiven = Boolean(opts.credentialFlags?.target || env.TINK_API_URL?.trim() || env.TINK_REGION?.trim())
    if (idGiven && secretGiven && targetGiven) {
      opts.warn(`${problem.message.replace(/^The /, 'the ')}; going on without profiles (fix it or move it aside)`)
    } else {
      // Any setting not given by flag or env would have come from the file: that is the error.
      configProblem = problem
      layers.push({
        source: 'profile',
        get: () => {
          throw problem
        },
        describe: () => `config file ${store.path}`,
      })
    }
    store = store.withoutProfiles()
  }
  let profile: Profile | undefined
  let selectedBy: string | undefined
  if (opts.flag !== undefined) {
    selectedBy = opts.flagOrigin ?? '--profile'
    profile = store.require(opts.flag, selectedBy)
  } else if (env.TINK_PROFILE) {
    profile = store.require(env.TINK_PROFILE, 'env TINK_PROFILE')
    selectedBy = 'env TINK_PROFILE'
  } else if (store.activeName) {
    profile = store.get(store.activeName)
    selectedBy = 'active profile'
  }

  if (profile && opts.flag !== undefined && opts.flagOrigin === undefined) {
    const unused = shadowedByEnv(profile, env, opts.credentialFlags)
    if (unused) opts.warn(unused)
  }

  let secretStore: SecretStore | undefined
  if (profile) {
    const p = profile
    const s = secretStoreFor(p, store.dir, opts.warn)
    secretStore = s
    opts.trace(`* profile ${p.name} (${selectedBy}); secret in ${s.where}`)
    layers.push({
      source: 'profile',
      get: (key) => {
        const field = PROFILE_KEYS[key]
        return field ? p[field] : undefined
      },
      describe: () => `profile ${p.name}`,
    })
    layers.push({
      source: s.kind,
      get: async (key, lookup) => {
        if (key !== 'clientSecret') return undefined
        // Another client id (env or flag) must not be paired with this profile's secret.
        if ((await lookup('clientId'))?.value !== p.clientId) return undefined
        const secret = await s.get(accounts.clientSecret(p.name))
        if (secret === undefined) throw missingSecret(p.name, s)
        return secret
      },
      describe: () => (s.kind === 'file' ? `file ${s.where} (profile ${p.name})` : `OS keychain (profile ${p.name})`),
    })
  }

  // A secret from a flag or the environment is not the profile's: those credentials belong to
  // no profile, and their tokens are not cached at all. Caching them in the keychain would make
  // every env-credential run wait on a keychain that may hang (CI, containers, SSH sessions).
  const secretGiven = Boolean(opts.credentialFlags?.clientSecret || env.TINK_CLIENT_SECRET?.trim())
  const tokenCache = new SecretTokenCache((clientId) => {
    if (profile && secretStore && !secretGiven && clientId === profile.clientId) return {store: secretStore, namespace: profile.name}
    return undefined
  }, opts.trace)

  const missingCredentialsHint = profile
    ? `--client-id or TINK_CLIENT_ID overrides profile "${profile.name}", whose stored secret belongs to its own client id: also set TINK_CLIENT_SECRET, or drop the override`
    : store.names().length
      ? `No active profile: pick one with tink profile use NAME or --profile NAME, or set TINK_CLIENT_ID and TINK_CLIENT_SECRET`
      : 'Run tink login to store credentials in a profile, or set TINK_CLIENT_ID and TINK_CLIENT_SECRET'
  return {profile, selectedBy, layers, tokenCache, missingCredentialsHint, secretStore, configProblem}
}

const FIELD_NAMES: Record<SettingKey, string> = {
  clientId: 'client id',
  clientSecret: 'client secret',
  region: 'region',
  baseUrl: 'API URL',
  linkBaseUrl: 'Tink Link URL',
  market: 'market',
  locale: 'locale',
  redirectUri: 'redirect URI',
}

/**
 * A profile named with --profile whose values the environment outranks (env > profile): one line,
 * `--profile eu: its client id and client secret are not used: TINK_CLIENT_ID and TINK_CLIENT_SECRET are set`.
 */
function shadowedByEnv(p: Profile, env: NodeJS.ProcessEnv, flags: ProfileSetupOptions['credentialFlags']): string | undefined {
  const keys = (Object.keys(FIELD_NAMES) as SettingKey[]).filter((k) => {
    if (!env[ENV_VARS[k]]?.trim()) return false
    if (k === 'clientSecret') return !flags?.clientSecret
    if (k === 'clientId' && flags?.clientId) return false
    const field = PROFILE_KEYS[k]
    return field !== undefined && p[field] !== undefined
  })
  if (keys.length === 0) return undefined
  const list = (xs: string[]) => (xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`)
  const are = keys.length === 1 ? 'is' : 'are'
  return `--profile ${p.name}: its ${list(keys.map((k) => FIELD_NAMES[k]))} ${are} not used: ${list(keys.map((k) => ENV_VARS[k]))} ${are} set`
}
