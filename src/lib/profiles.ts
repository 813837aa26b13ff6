/**
 * Profiles: named sets of non-secret settings (client id, region or API URL, Tink Link defaults)
 * in conf's config file, plus where each profile's secret lives (keychain or the opt-in file).
 * A profile plugs into the one SettingsResolver as two layers (settings, then the secret), so
 * precedence stays flag/stdin > env > profile > defaults with no second lookup path.
 *
 * Reading happens on every command, so it uses node:fs directly: importing conf measured
 * 50-70 ms here (about half of a bare `node -e 0`). conf is imported only to write.
 */
import {mkdirSync, readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {CliError, ExitCode, usageError} from './errors.js'
import {accounts, FileStore, KeytarStore, type SecretStore, type StorageKind} from './keychain.js'
import type {SettingKey, SettingsLayer} from './settings.js'
import {clearCachedTokens, ENV_NAMESPACE, SecretTokenCache} from './token-cache.js'
import type {TokenCache} from './tink.js'

export const PROJECT_NAME = 'tink-auth-cli'
export const CONFIG_FILE = 'config.json'

/** Everything a profile stores in the config file. No secret and no token, ever. */
export interface ProfileData {
  clientId: string
  region?: string
  baseUrl?: string
  linkBaseUrl?: string
  market?: string
  locale?: string
  redirectUri?: string
  storage: StorageKind
  createdAt?: string
}

export interface ConfigData {
  active?: string
  profiles: Record<string, ProfileData>
}

export interface Profile extends ProfileData {
  name: string
  active: boolean
}

const PROFILE_KEYS: Partial<Record<SettingKey, keyof ProfileData>> = {
  clientId: 'clientId',
  region: 'region',
  baseUrl: 'baseUrl',
  linkBaseUrl: 'linkBaseUrl',
  market: 'market',
  locale: 'locale',
  redirectUri: 'redirectUri',
}

/** Where conf keeps its file for this OS (env-paths' rules with no suffix); TINK_CONFIG_DIR wins. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TINK_CONFIG_DIR) return env.TINK_CONFIG_DIR
  const home = homedir()
  if (process.platform === 'darwin') return join(home, 'Library', 'Preferences', PROJECT_NAME)
  if (process.platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), PROJECT_NAME, 'Config')
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), PROJECT_NAME)
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Names end up in keychain account names ("<name>:client-secret"), so ':' and spaces are out. */
export function checkProfileName(name: string): string {
  if (!NAME.test(name)) {
    throw usageError(`Invalid profile name "${name}"`, 'Use letters, digits, ".", "_" or "-" (up to 64, starting with a letter or digit), e.g. eu-prod')
  }
  return name
}

/** Copies only the known, non-secret fields: whatever else an object carries never reaches disk. */
function sanitize(p: ProfileData): ProfileData {
  const out: ProfileData = {clientId: p.clientId, storage: p.storage === 'file' ? 'file' : 'keychain'}
  for (const k of ['region', 'baseUrl', 'linkBaseUrl', 'market', 'locale', 'redirectUri', 'createdAt'] as const) {
    if (typeof p[k] === 'string' && p[k]) out[k] = p[k]
  }
  return out
}

/** A config file that cannot be used as it is: bad input a person fixes (exit 2), not a bug. */
function configProblem(path: string, what: string): CliError {
  return usageError(`The config file ${path} ${what}`, `Fix it, or move it aside (e.g. mv ${path} ${path}.bak) and run tink login again`)
}

/** Why a parsed config.json is not one this CLI wrote; undefined when it is fine. */
function shapeProblem(parsed: unknown): string | undefined {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'is not a JSON object of tink profiles'
  const obj = parsed as Record<string, unknown>
  if (obj.active !== undefined && typeof obj.active !== 'string') return 'has an "active" that is not a profile name'
  const profiles = obj.profiles
  if (profiles === undefined) return undefined
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) return 'has a "profiles" that is not an object of profiles'
  for (const [name, p] of Object.entries(profiles)) {
    if (!NAME.test(name)) return `has a profile with an invalid name "${name}"`
    if (!p || typeof p !== 'object' || typeof (p as {clientId?: unknown}).clientId !== 'string') return `has a profile "${name}" without a client id`
  }
  return undefined
}

export class ProfileStore {
  private constructor(
    readonly dir: string,
    private data: ConfigData,
    /** Set when the file is unreadable, not JSON, or the wrong shape: every use throws it. */
    readonly problem?: CliError,
  ) {}

  static load(env: NodeJS.ProcessEnv = process.env): ProfileStore {
    const dir = configDir(env)
    const path = join(dir, CONFIG_FILE)
    const broken = (problem: CliError) => new ProfileStore(dir, {profiles: {}}, problem)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new ProfileStore(dir, {profiles: {}})
      return broken(configProblem(path, `cannot be read (${(err as Error).message})`))
    }
    if (!text.trim()) return new ProfileStore(dir, {profiles: {}})
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      return broken(configProblem(path, `is not valid JSON (${(err as Error).message})`))
    }
    const shape = shapeProblem(parsed)
    if (shape) return broken(configProblem(path, shape))
    const obj = parsed as Partial<ConfigData>
    const profiles: Record<string, ProfileData> = {}
    for (const [name, p] of Object.entries(obj.profiles ?? {})) profiles[name] = sanitize(p)
    return new ProfileStore(dir, {active: obj.active, profiles})
  }

  /** A store with no profiles, for a run that goes on without a broken config file. */
  withoutProfiles(): ProfileStore {
    return new ProfileStore(this.dir, {profiles: {}})
  }

  private usable(): ConfigData {
    if (this.problem) throw this.problem
    return this.data
  }

  get path(): string {
    return join(this.dir, CONFIG_FILE)
  }

  get activeName(): string | undefined {
    const {active, profiles} = this.usable()
    return active && profiles[active] ? active : undefined
  }

  names(): string[] {
    return Object.keys(this.usable().profiles).sort()
  }

  has(name: string): boolean {
    return Object.hasOwn(this.usable().profiles, name)
  }

  get(name: string): Profile | undefined {
    const p = this.has(name) ? this.data.profiles[name] : undefined
    return p ? {name, active: name === this.activeName, ...p} : undefined
  }

  /** A profile that must exist: exit 2 naming the ones that do. */
  require(name: string, origin = 'argument'): Profile {
    const p = this.get(name)
    if (p) return p
    const known = this.names()
    throw usageError(
      `No profile "${name}" (from ${origin})`,
      known.length ? `Known profiles: ${known.join(', ')}; see tink profile list` : 'There are no profiles yet: create one with tink login',
    )
  }

  list(): Profile[] {
    return this.names().map((n) => this.get(n) as Profile)
  }

  async put(name: string, profile: ProfileData, opts: {makeActive?: boolean} = {}): Promise<void> {
    this.data.profiles[checkProfileName(name)] = sanitize(profile)
    if (opts.makeActive || !this.activeName) this.data.active = name
    await this.save()
  }

  async use(name: string): Promise<void> {
    this.require(name)
    this.data.active = name
    await this.save()
  }

  async remove(name: string): Promise<void> {
    delete this.data.profiles[name]
    if (this.data.active === name) delete this.data.active
    await this.save()
  }

  /** conf does the atomic 0600 write; the folder is made 0700 first (conf would use 0777 - umask). */
  private async save(): Promise<void> {
    this.usable() // never overwrite a file we could not read
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    const {default: Conf} = await import('conf')
    const conf = new Conf<Record<string, unknown>>({
      projectName: PROJECT_NAME,
      projectSuffix: '',
      cwd: this.dir,
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
    })
    const out: Record<string, unknown> = {profiles: this.data.profiles}
    if (this.data.active) out.active = this.data.active
    conf.store = out
  }
}

let keychain: KeytarStore | undefined
/** One keychain per process, so a broken one costs a single timeout per run. */
export function sharedKeychain(): KeytarStore {
  keychain ??= new KeytarStore()
  return keychain
}

const fileStores = new Map<string, FileStore>()
/** The secret store a profile uses. The file store is created only for profiles marked `storage: file`. */
export function secretStoreFor(profile: Pick<ProfileData, 'storage'>, dir: string, warn: (line: string) => void): SecretStore {
  if (profile.storage !== 'file') return sharedKeychain()
  let store = fileStores.get(dir)
  if (!store) {
    store = FileStore.inDir(dir, warn)
    fileStores.set(dir, store)
  }
  return store
}

export interface ProfileSetupOptions {
  store: ProfileStore
  /** --profile value, if given. */
  flag?: string
  /** How `flag` was given, for messages: "--profile" unless a command passes its argument. */
  flagOrigin?: string
  /** Credentials given on the command line (--client-id, --client-secret-stdin). */
  credentialFlags?: {clientId: boolean; clientSecret: boolean}
  env: NodeJS.ProcessEnv
  warn: (line: string) => void
  trace: (line: string) => void
  /** The client id the resolver settles on; the profile's secret is offered only for its own client id. */
  resolvedClientId: () => Promise<string | undefined>
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
    // A broken config file blocks only runs that need something from it: with credentials from
    // flags or env and no profile named, the command goes on without profiles (and says so).
    const problem = store.problem
    if (opts.flag !== undefined || env.TINK_PROFILE) throw problem
    const idGiven = Boolean(opts.credentialFlags?.clientId || env.TINK_CLIENT_ID?.trim())
    const secretGiven = Boolean(opts.credentialFlags?.clientSecret || env.TINK_CLIENT_SECRET?.trim())
    if (idGiven && secretGiven) {
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
        return field ? (p[field] as string | undefined) : undefined
      },
      describe: () => `profile ${p.name}`,
    })
    layers.push({
      source: s.kind,
      get: async (key) => {
        if (key !== 'clientSecret') return undefined
        // Another client id (env or flag) must not be paired with this profile's secret.
        if ((await opts.resolvedClientId()) !== p.clientId) return undefined
        const secret = await s.get(accounts.clientSecret(p.name))
        if (secret === undefined) throw missingSecret(p.name, s)
        return secret
      },
      describe: () => (s.kind === 'file' ? `file ${s.where} (profile ${p.name})` : `OS keychain (profile ${p.name})`),
    })
  }

  const tokenCache = new SecretTokenCache((clientId) => {
    if (profile && secretStore && clientId === profile.clientId) return {store: secretStore, namespace: profile.name}
    // Credentials of no profile: cached only where the keychain answers (cache errors are silent).
    return {store: sharedKeychain(), namespace: ENV_NAMESPACE}
  }, opts.trace)

  const missingCredentialsHint = profile
    ? `--client-id or TINK_CLIENT_ID overrides profile "${profile.name}", whose stored secret belongs to its own client id: also set TINK_CLIENT_SECRET, or drop the override`
    : store.names().length
      ? `No active profile: pick one with tink profile use NAME or --profile NAME, or set TINK_CLIENT_ID and TINK_CLIENT_SECRET`
      : 'Run tink login to store credentials in a profile, or set TINK_CLIENT_ID and TINK_CLIENT_SECRET'
  return {profile, selectedBy, layers, tokenCache, missingCredentialsHint, secretStore, configProblem}
}

/**
 * The profile records that its secret is in `store`, but the store has none. A locked keychain
 * (gnome-keyring) answers reads with nothing rather than an error, so that is the likely cause
 * to name first; the entry may also have been removed by hand.
 */
export function missingSecret(name: string, store: SecretStore): CliError {
  if (store.kind === 'keychain') {
    return new CliError(
      `Profile "${name}" keeps its client secret in the ${store.where}, but the keychain returned none for ${accounts.clientSecret(name)}: the keychain may be locked, or the entry was removed`,
      {
        exitCode: ExitCode.AUTH,
        code: 'missing_credentials',
        hint: `Unlock the keychain (e.g. log in to the desktop session, or gnome-keyring-daemon --unlock) and try again; if the entry is gone, store it again with tink login ${name} --force, or set TINK_CLIENT_SECRET`,
      },
    )
  }
  return new CliError(`Profile "${name}" has no client secret in ${store.where}`, {
    exitCode: ExitCode.AUTH,
    code: 'missing_credentials',
    hint: `Store it again with tink login ${name} --force --insecure-storage, or set TINK_CLIENT_SECRET`,
  })
}

/** Deletes a profile's secret and cached tokens from its store, by account name (no listing). */
export async function deleteProfileSecrets(store: SecretStore, name: string): Promise<{deleted: number; secretFound: boolean}> {
  const tokens = await clearCachedTokens(store, name)
  const secretFound = await store.delete(accounts.clientSecret(name))
  return {deleted: tokens + (secretFound ? 1 : 0), secretFound}
}

export interface NewProfile extends ProfileData {
  name: string
  clientSecret: string
}

/**
 * Stores a profile: the secret first (so a keychain failure leaves nothing half-saved), then the
 * config entry. Replacing a profile drops its old secret and cached tokens (possibly in the
 * other store) so nothing stale survives a change of client.
 */
export async function saveProfile(
  store: ProfileStore,
  input: NewProfile,
  opts: {replace?: boolean; makeActive?: boolean; warn: (line: string) => void},
): Promise<{profile: Profile; secretStore: SecretStore}> {
  const name = checkProfileName(input.name)
  const old = store.get(name)
  if (old && !opts.replace) throw usageError(`Profile "${name}" already exists; nothing changed`, `Pass --force to replace it, or choose another name`)
  const secrets = secretStoreFor(input, store.dir, opts.warn)
  if (old) {
    const oldStore = secretStoreFor(old, store.dir, opts.warn)
    if (oldStore !== secrets) {
      try {
        await deleteProfileSecrets(oldStore, name)
      } catch (err) {
        opts.warn(`could not delete the old secret of "${name}" from ${oldStore.where}: ${(err as Error).message}`)
      }
    }
    await clearCachedTokens(secrets, name)
  }
  await secrets.set(accounts.clientSecret(name), input.clientSecret)
  const {clientSecret: _secret, name: _name, ...data} = input
  await store.put(name, {...data, createdAt: new Date().toISOString()}, {makeActive: opts.makeActive})
  return {profile: store.get(name) as Profile, secretStore: secrets}
}

/** Removes a profile and everything it has in its secret store; returns how many secret entries went. */
export async function removeProfile(
  store: ProfileStore,
  name: string,
  warn: (line: string) => void,
): Promise<{deleted: number; secretFound: boolean; secretError?: string; where: string}> {
  const p = store.require(name)
  const secrets = secretStoreFor(p, store.dir, warn)
  let result = {deleted: 0, secretFound: false}
  let secretError: string | undefined
  try {
    result = await deleteProfileSecrets(secrets, name)
  } catch (err) {
    secretError = err instanceof CliError ? err.message : String(err)
  }
  await store.remove(name)
  return {...result, secretError, where: secrets.where}
}

export interface ProfileAnswers {
  name?: string
  region?: string
  baseUrl?: string
  clientId?: string
  clientSecret?: string
  market?: string
  locale?: string
  redirectUri?: string
}

export interface WizardIO {
  stdin: NodeJS.ReadableStream
  stderr: NodeJS.WritableStream
}

/**
 * `tink login` on a terminal: asks only for what flags and stdin did not give. Prompts go to
 * stderr (stdout stays for the result); inquirer loads here and nowhere on the scripted path.
 */
export async function askProfile(io: WizardIO, given: ProfileAnswers, check: {
  exists: (name: string) => boolean
  baseUrl: (value: string) => string
  market: (value: string) => string
  locale: (value: string) => string
}): Promise<Required<Pick<ProfileAnswers, 'name' | 'clientId' | 'clientSecret'>> & ProfileAnswers & {replace: boolean}> {
  const {input, password, select, confirm} = await import('@inquirer/prompts')
  const ctx = {input: io.stdin, output: io.stderr}
  const valid = (fn: (v: string) => unknown) => (v: string) => {
    try {
      fn(v.trim())
      return true
    } catch (err) {
      return err instanceof CliError ? err.oneLine() : String(err)
    }
  }

  const name = given.name ?? (await input({message: 'Profile name', default: 'default', validate: valid(checkProfileName)}, ctx)).trim()
  let replace = false
  if (check.exists(name)) {
    replace = await confirm({message: `Profile "${name}" exists. Replace it?`, default: false}, ctx)
    if (!replace) throw usageError(`Profile "${name}" already exists; nothing changed`, 'Choose another name, or answer yes to replace it')
  }
  let {region, baseUrl} = given
  if (!region && !baseUrl) {
    const choice = await select(
      {
        message: 'Region',
        choices: [
          {name: 'EU (api.tink.com)', value: 'eu'},
          {name: 'US (api.us.tink.com)', value: 'us'},
          {name: 'Custom API base URL', value: 'custom'},
        ],
      },
      ctx,
    )
    if (choice === 'custom') baseUrl = check.baseUrl((await input({message: 'API base URL', validate: valid(check.baseUrl)}, ctx)).trim())
    else region = choice
  }
  const required = (v: string) => (v.trim() ? true : 'Required')
  const clientId = given.clientId ?? (await input({message: 'Client id', validate: required}, ctx)).trim()
  const clientSecret = given.clientSecret ?? (await password({message: 'Client secret', mask: '*', validate: required}, ctx)).trim()
  const market = given.market ?? (await input({message: 'Default market (ISO 3166-1 alpha-2)', default: 'GB', validate: valid(check.market)}, ctx)).trim()
  const locale = given.locale ?? (await input({message: 'Default locale', default: 'en_US', validate: valid(check.locale)}, ctx)).trim()
  const redirectUri =
    given.redirectUri ??
    ((await input({message: 'Redirect URI for Tink Link (empty for none)', default: '', validate: (v) => (!v.trim() || URL.canParse(v.trim()) ? true : 'Give an absolute URL')}, ctx)).trim() || undefined)
  return {name, region, baseUrl, clientId, clientSecret, market, locale, redirectUri, replace}
}
