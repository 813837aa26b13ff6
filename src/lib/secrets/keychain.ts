/**
 * Where secrets live: one small interface over the OS keychain (keytar) and the explicit,
 * opt-in plain file store (`tink login --insecure-storage`). keytar is archived upstream and
 * optional at install time, so nothing else in the CLI imports it: it loads here, lazily, the
 * first time a command actually needs a secret.
 *
 * There is no silent fallback from one store to the other. A keychain failure becomes a
 * CliError that names the cause and offers the two ways on (env vars, or --insecure-storage).
 */
import {mkdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {writeFileNoLink} from '../config/safe-file.js'
import {acquireLock} from '../config/lock.js'
import {CliError, ExitCode} from '../errors/cli-error.js'
import {probeSecretService, type ProbeResult} from './dbus-probe.js'

export const KEYCHAIN_SERVICE = 'tink-auth-cli'
export const KEYCHAIN_TIMEOUT_MS = 5000
/** How long the Secret Service probe (Linux) waits for the session bus to answer. */
export const BUS_PROBE_TIMEOUT_MS = 1500
export const SECRETS_FILE = 'secrets.json'

export type StorageKind = 'keychain' | 'file'

export interface SecretStore {
  readonly kind: StorageKind
  /** Where it is, for messages: "OS keychain (service tink-auth-cli)" or the file path. */
  readonly where: string
  get(account: string): Promise<string | undefined>
  set(account: string, value: string): Promise<void>
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>
  // No list(): keytar's findCredentials segfaults the process on a locked gnome-keyring
  // collection (a known keytar bug), so every account is addressed by name. Token accounts are
  // found through an index item (token-cache.ts).
}

/** Accounts: one per profile and purpose. Profile names cannot contain ':' (see profiles.ts). */
export const accounts = {
  clientSecret: (profile: string) => `${profile}:client-secret`,
  tokenPrefix: (profile: string) => `${profile}:token:`,
  /** JSON list of the namespace's token accounts (sha256 digests, not secrets). */
  tokenIndex: (profile: string) => `${profile}:token-index`,
  /** A webhook's signing secret saved by `tink webhook create --save`, and the JSON list of those ids. */
  webhookSecret: (profile: string, id: string) => `${profile}:webhook-secret:${id}`,
  webhookIndex: (profile: string) => `${profile}:webhook-index`,
  /** Written and deleted at once by `tink login`, to learn that saving works before any request. */
  probe: (profile: string) => `${profile}:probe`,
}

/**
 * The part of keytar we use; declared here because keytar is optional and may be absent.
 * findCredentials is deliberately missing: it crashes (SIGSEGV) on a locked collection.
 */
interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export type KeychainCause = 'not_installed' | 'no_dbus' | 'no_secret_service' | 'locked' | 'timeout' | 'error'

const CAUSE_TEXT: Record<KeychainCause, string> = {
  not_installed: 'keytar (the optional keychain module) is not installed or did not build',
  no_dbus: 'no D-Bus session (a headless machine, SSH, Docker or CI without a desktop session)',
  no_secret_service: 'no Secret Service answers on D-Bus (install and start gnome-keyring or KeePassXC)',
  locked: 'the keychain is locked or has no default collection (unlock it, e.g. log in to the desktop)',
  timeout: 'the keychain did not answer within the time limit',
  error: 'the keychain returned an error',
}

export const WAYS_ON =
  "Set TINK_CLIENT_ID and TINK_CLIENT_SECRET instead, or run tink login --insecure-storage to keep this profile's secret in a separate 0600 file"

export class KeychainError extends CliError {
  constructor(
    readonly reason: KeychainCause,
    detail: string,
    action: string,
  ) {
    super(`Cannot ${action}: the OS keychain is unavailable: ${CAUSE_TEXT[reason]}${detail ? ` (${detail})` : ''}`, {
      exitCode: ExitCode.AUTH,
      code: 'keychain_unavailable',
      hint: WAYS_ON,
    })
    this.name = 'KeychainError'
  }
}

/** Maps what keytar/libsecret/macOS/Windows say to a cause a person can act on. */
export function classifyKeychainError(message: string): KeychainCause {
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect to socket|dbus-launch|Connection refused/i.test(message)) return 'no_dbus'
  if (/org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service/i.test(message)) return 'no_secret_service'
  if (/locked|collection\/login|Object does not exist at path|user interaction is not allowed|prompt|dismissed|interaction not allowed/i.test(message))
    return 'locked'
  return 'error'
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** keytar is CommonJS: required synchronously. */
function requireKeytar(): Keytar {
  return createRequire(import.meta.url)('keytar') as Keytar
}

/**
 * The OS keychain. After the first failure every later call fails at once with the same error:
 * a broken keychain should cost one timeout per run, not one per call.
 */
export class KeytarStore implements SecretStore {
  readonly kind = 'keychain' as const
  readonly where = `OS keychain (service ${KEYCHAIN_SERVICE})`
  private keytar?: Keytar
  private broken?: {cause: KeychainCause; detail: string}
  private probe?: Promise<ProbeResult>

  constructor(
    private readonly timeoutMs = KEYCHAIN_TIMEOUT_MS,
    private readonly trace: (line: string) => void = () => {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * Linux only (macOS and Windows keychains are not reached over D-Bus): once per process,
   * before keytar is first called, whether the Secret Service answers at all.
   */
  private busAnswers(): Promise<ProbeResult> {
    if (process.platform !== 'linux' || typeof process.getuid !== 'function') return Promise.resolve('unknown')
    this.probe ??= probeSecretService(this.env.DBUS_SESSION_BUS_ADDRESS, process.getuid(), Math.min(BUS_PROBE_TIMEOUT_MS, this.timeoutMs))
    return this.probe
  }

  /** keytar, loaded on first use; a module that cannot load is remembered as the cause and thrown. */
  private load(): Keytar {
    if (this.keytar) return this.keytar
    try {
      this.keytar = requireKeytar()
      return this.keytar
    } catch (err) {
      this.broken = {cause: 'not_installed', detail: errMessage(err).split('\n')[0] ?? ''}
      throw err
    }
  }

  private async call<T>(action: string, fn: (k: Keytar) => Promise<T>): Promise<T> {
    if (this.broken) throw new KeychainError(this.broken.cause, this.broken.detail, action)
    let keytar: Keytar
    try {
      keytar = this.load()
    } catch {
      throw new KeychainError(this.broken!.cause, this.broken!.detail, action)
    }
    try {
      return await withTimeout(
        this.busAnswers().then((bus) => {
          // keytar would block a thread the process cannot exit without: never start it here.
          if (bus === 'silent') throw new Error(`no answer within ${Math.min(BUS_PROBE_TIMEOUT_MS, this.timeoutMs) / 1000} s on the D-Bus session bus`)
          return fn(keytar)
        }),
        this.timeoutMs,
      )
    } catch (err) {
      const message = errMessage(err)
      const cause = /no answer within/.test(message) ? 'timeout' : classifyKeychainError(message)
      this.broken = {cause, detail: message}
      this.trace(`* keychain: ${action} failed: ${message}`)
      throw new KeychainError(cause, message, action)
    }
  }

  /**
   * Starts the first lookup now, through the same probe and timeout as every call: the entry point
   * calls this while oclif loads, so the Secret Service session opens meanwhile. A failure is
   * remembered and reported by the real call.
   */
  warmUp(): void {
    if (this.keytar || this.broken) return
    this.call('reach the keychain', (k) => k.getPassword(KEYCHAIN_SERVICE, accounts.probe('(warm-up)'))).catch(() => undefined)
  }

  /** Forgets a failure (and the bus probe's answer): for a retry after the person unlocked the keychain. */
  reset(): void {
    this.broken = undefined
    this.probe = undefined
  }

  /**
   * A locked collection still answers reads (with nothing) and fails only on writes, so a read
   * cannot tell whether saving will work: this writes and deletes a probe item. `action` says
   * what the command was doing, for the error.
   */
  async checkWritable(account: string, action: string): Promise<void> {
    await this.call(action, async (k) => {
      await k.setPassword(KEYCHAIN_SERVICE, account, 'probe')
      await k.deletePassword(KEYCHAIN_SERVICE, account)
    })
  }

  async get(account: string): Promise<string | undefined> {
    const v = await this.call(`read ${account} from the keychain`, (k) => k.getPassword(KEYCHAIN_SERVICE, account))
    return v ?? undefined
  }

  async set(account: string, value: string): Promise<void> {
    await this.call(`save ${account} in the keychain`, (k) => k.setPassword(KEYCHAIN_SERVICE, account, value))
  }

  async delete(account: string): Promise<boolean> {
    return this.call(`delete ${account} from the keychain`, (k) => k.deletePassword(KEYCHAIN_SERVICE, account))
  }
}

/**
 * `--insecure-storage`: a JSON map account -> secret in its own file beside the config file,
 * created 0600 from the first byte (never chmod after the fact) and replaced atomically. Each
 * run that touches it prints one warning line, so nobody forgets it is there.
 */
export class FileStore implements SecretStore {
  readonly kind = 'file' as const
  readonly where: string
  private warned = false

  constructor(
    readonly path: string,
    private readonly warn: (line: string) => void,
  ) {
    this.where = path
  }

  static inDir(dir: string, warn: (line: string) => void): FileStore {
    return new FileStore(join(dir, SECRETS_FILE), warn)
  }

  private announce(): void {
    if (this.warned) return
    this.warned = true
    this.warn(`secrets are in a plain file (${this.path}, mode 0600), not the OS keychain (--insecure-storage)`)
  }

  private read(): Record<string, string> {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {}
      throw this.problem(`cannot be read (${errMessage(err)})`)
    }
    const expected = 'expected a JSON object of account names and secrets'
    if (!text.trim()) throw this.problem(`is empty; ${expected}`)
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      // Not the parser's message: it quotes the text around the fault, which holds secrets.
      throw this.problem(`is not valid JSON (truncated or edited?); ${expected}`)
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw this.problem(`holds ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}; ${expected}`)
    }
    for (const [account, value] of Object.entries(parsed)) {
      if (typeof value !== 'string')
        throw this.problem(
          `has "${account}" = ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}; expected the secret as a string`,
        )
    }
    return parsed as Record<string, string>
  }

  /** A secrets file that cannot be used as it is: bad input a person fixes (exit 2), never a silent default. */
  private problem(what: string): CliError {
    return new CliError(`The secrets file ${this.path} ${what}`, {
      exitCode: ExitCode.USAGE,
      code: 'secrets_file',
      hint: `Fix it, or move it aside (e.g. mv ${this.path} ${this.path}.bak) and store the secret again with tink login NAME --force --insecure-storage`,
    })
  }

  private write(data: Record<string, string>): void {
    writeFileNoLink(this.path, JSON.stringify(data, null, 2) + '\n', 'The secrets file')
  }

  async get(account: string): Promise<string | undefined> {
    this.announce()
    return this.read()[account]
  }

  async set(account: string, value: string): Promise<void> {
    this.announce()
    await this.locked((data) => {
      data[account] = value
      return true
    })
  }

  async delete(account: string): Promise<boolean> {
    return this.locked((data) => {
      if (!(account in data)) return false
      delete data[account]
      return true
    })
  }

  /** Read-modify-write under a lock file: concurrent runs each keep their secret. `change` says whether to write. */
  private async locked(change: (data: Record<string, string>) => boolean): Promise<boolean> {
    mkdirSync(dirname(this.path), {recursive: true, mode: 0o700})
    const release = await acquireLock(this.path + '.lock')
    try {
      const data = this.read()
      if (!change(data)) return false
      this.write(data)
      return true
    } finally {
      release()
    }
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
