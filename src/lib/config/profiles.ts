/**
 * The profiles file: named sets of non-secret settings (client id, region or API URL, Tink Link
 * defaults) and where each profile's secret lives (keychain or the opt-in file), in conf's
 * config file. No secret and no token is ever written here.
 *
 * Reading happens on every command, so it uses node:fs directly; conf is imported only to write.
 */
import {mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CliError, usageError} from '../errors/cli-error.js'
import {acquireLock} from './lock.js'
import {checkNotLink} from './safe-file.js'
import type {StorageKind} from '../secrets/keychain.js'
import {configDir, PROJECT_NAME} from './paths.cjs'
import type {SettingKey} from './settings.js'

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

export const PROFILE_KEYS: Partial<Record<SettingKey, keyof ProfileData>> = {
  clientId: 'clientId',
  region: 'region',
  baseUrl: 'baseUrl',
  linkBaseUrl: 'linkBaseUrl',
  market: 'market',
  locale: 'locale',
  redirectUri: 'redirectUri',
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
  for (const k of STRING_KEYS) {
    if (typeof p[k] === 'string' && p[k]) out[k] = p[k]
  }
  // A hand-edited URL with user:password@ never reaches output or disk; checkBaseUrl refuses it.
  for (const k of ['baseUrl', 'linkBaseUrl'] as const) if (out[k]) out[k] = withoutUserinfo(out[k])
  return out
}

function withoutUserinfo(url: string): string {
  return url.replace(/^([^/]*\/\/)[^/?#]*@/, '$1***@')
}

/** A config file that cannot be used as it is: bad input a person fixes (exit 2), not a bug. */
function configProblem(path: string, what: string): CliError {
  return usageError(`The config file ${path} ${what}`, `Fix it, or move it aside (e.g. mv ${path} ${path}.bak) and run tink login again`)
}

const STRING_KEYS = ['region', 'baseUrl', 'linkBaseUrl', 'market', 'locale', 'redirectUri', 'createdAt'] as const

function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'string') return v.trim() ? 'a string' : 'an empty string'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

/**
 * Why a parsed config.json is not one this CLI wrote; undefined when it is fine. Every key a
 * profile may hold is checked: a value of the wrong kind is never dropped (a dropped baseUrl
 * would send the credentials to Tink's production API).
 */
function shapeProblem(parsed: unknown): string | undefined {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    return `holds ${kindOf(parsed)}; expected a JSON object of tink profiles ({"profiles": {...}})`
  const obj = parsed as Record<string, unknown>
  if (obj.active !== undefined && typeof obj.active !== 'string') return `has "active" = ${kindOf(obj.active)}; expected a profile name (a string)`
  const profiles = obj.profiles
  if (profiles === undefined) return undefined
  if (!profiles || typeof profiles !== 'object' || Array.isArray(profiles)) return `has "profiles" = ${kindOf(profiles)}; expected an object of profiles`
  for (const [name, p] of Object.entries(profiles)) {
    if (!NAME.test(name)) return `has a profile with an invalid name "${name}"`
    if (!p || typeof p !== 'object' || Array.isArray(p)) return `has profiles.${name} = ${kindOf(p)}; expected an object`
    const fields = p as Record<string, unknown>
    if (typeof fields.clientId !== 'string' || !fields.clientId.trim())
      return `has profiles.${name}.clientId = ${fields.clientId === undefined ? 'nothing' : kindOf(fields.clientId)}; expected the client id (a non-empty string)`
    for (const k of STRING_KEYS) {
      const v = fields[k]
      if (v !== undefined && (typeof v !== 'string' || !v.trim())) {
        return `has profiles.${name}.${k} = ${kindOf(v)}; expected ${k.endsWith('Url') || k === 'redirectUri' ? 'a URL (a non-empty string)' : 'a non-empty string'}, or no ${k} key`
      }
    }
    if (fields.storage !== undefined && fields.storage !== 'keychain' && fields.storage !== 'file') {
      return `has profiles.${name}.storage = ${kindOf(fields.storage)}; expected "keychain" or "file"`
    }
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

  static load(env: NodeJS.ProcessEnv): ProfileStore {
    return ProfileStore.loadDir(configDir(env))
  }

  private static loadDir(dir: string): ProfileStore {
    const path = join(dir, CONFIG_FILE)
    const broken = (problem: CliError) => new ProfileStore(dir, {profiles: {}}, problem)
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new ProfileStore(dir, {profiles: {}})
      return broken(configProblem(path, `cannot be read (${(err as Error).message})`))
    }
    if (!text.trim()) return broken(configProblem(path, 'is empty; expected a JSON object of tink profiles ({"profiles": {...}})'))
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      // Not the parser's message: it quotes the text around the fault.
      return broken(configProblem(path, 'is not valid JSON (truncated or edited?); expected a JSON object of tink profiles'))
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
    checkProfileName(name)
    await this.update((data) => {
      data.profiles[name] = sanitize(profile)
      if (opts.makeActive || !(data.active && data.profiles[data.active])) data.active = name
    })
  }

  /** Changes one field of a profile (read again under the lock, like every write). */
  async setField(name: string, key: Exclude<keyof ProfileData, 'clientId' | 'storage' | 'createdAt'>, value: string | undefined): Promise<void> {
    this.require(name)
    await this.update((data) => {
      const p = data.profiles[name]
      if (!p) throw removedMeanwhile(name)
      const next: ProfileData = {...p}
      if (value === undefined) delete next[key]
      else next[key] = value
      data.profiles[name] = sanitize(next)
    })
  }

  async use(name: string): Promise<void> {
    this.require(name)
    await this.update((data) => {
      if (!data.profiles[name]) throw removedMeanwhile(name)
      data.active = name
    })
  }

  async remove(name: string): Promise<void> {
    await this.update((data) => {
      delete data.profiles[name]
      if (data.active === name) delete data.active
    })
  }

  /**
   * Read-modify-write under the config lock: the file is read again once the lock is held and
   * only this one change is applied, so two tink login / profile add runs at once both keep
   * their profile (a write from a copy read earlier would drop the other's).
   */
  private async update(change: (data: ConfigData) => void): Promise<void> {
    this.checkWritable()
    mkdirSync(this.dir, {recursive: true, mode: 0o700})
    const release = await acquireLock(this.path + '.lock')
    try {
      const fresh = ProfileStore.loadDir(this.dir)
      if (fresh.problem) throw fresh.problem
      checkNotLink(this.path, 'The config file')
      const data: ConfigData = {active: fresh.data.active, profiles: {...fresh.data.profiles}}
      change(data)
      await this.write(data)
      this.data = data
    } finally {
      release()
    }
  }

  /**
   * Throws what a write would fail on, before anything else is stored (a secret saved in the
   * keychain for a profile the config file then refuses would be orphaned): a file that could
   * not be read, or a link where the file or its lock should be.
   */
  checkWritable(): void {
    this.usable() // never overwrite a file we could not read
    checkNotLink(this.path, 'The config file')
    checkNotLink(this.path + '.lock', 'The lock file')
  }

  /** conf does the atomic 0600 write; the folder is made 0700 first (conf would use 0777 - umask). */
  private async write(data: ConfigData): Promise<void> {
    const {default: Conf} = await import('conf')
    const conf = new Conf<Record<string, unknown>>({
      projectName: PROJECT_NAME,
      projectSuffix: '',
      cwd: this.dir,
      configFileMode: 0o600,
      accessPropertiesByDotNotation: false,
    })
    const out: Record<string, unknown> = {profiles: data.profiles}
    if (data.active) out.active = data.active
    conf.store = out
  }
}

/** Read again under the lock, the profile is gone: another tink process removed it since this one read the file. */
function removedMeanwhile(name: string): CliError {
  return usageError(`Profile "${name}" was removed by another tink command meanwhile; nothing changed`, 'See tink profile list')
}
