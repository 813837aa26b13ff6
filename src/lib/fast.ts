/**
 * The fast path for the commands people and scripts run most (token get, user create, ...):
 * loading @oclif/core and its config costs about 70 ms, more than everything else a cached
 * `token get --raw` does. When the arguments are plain, this parses them from the same
 * oclif.manifest.json oclif reads and runs the command's action (src/lib/actions) through the
 * same Invocation the oclif command uses, without loading oclif.
 *
 * "Plain" is deliberately narrow, so that this path gives exactly what oclif gives: only the
 * command's own flags, each written one unambiguous way (`--name value`, `--name=value`, `-c value`),
 * with values oclif would accept. Anything else (help, an unknown or repeated flag, a value
 * oclif would reject, exclusive flags together, a missing required flag, `--`, positional
 * arguments, oclif debug or JSON env vars, user plugins) returns false, and oclif runs as before
 * and produces its own messages. TINK_NO_FAST_PATH=1 turns it off. test/fast-path.test.js checks
 * the parse against oclif's for every hot command.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {processIO, type GlobalFlags} from './context.js'
import {preloadUndici} from './http.js'
import {Invocation, reportFailure, runInvocation} from './invocation.js'
import {sharedKeychain} from './profiles.js'
import {userPluginsInstalled} from './user-plugins.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

type Action = (inv: Invocation<GlobalFlags>) => Promise<unknown>

interface HotCommand {
  load: () => Promise<Action>
  /** Whether the run will send requests: one (undici tuned for a short run) or many (bulk). */
  sends: (flags: ParsedFlags) => 'one' | 'many' | undefined
}

const oneOrMany = (flags: ParsedFlags) => (flags.file === undefined ? 'one' : 'many')

/** The hot commands, by manifest id; each action module loads only when its command runs. */
const HOT: Record<string, HotCommand> = {
  'token:get': {
    load: async () => (await import('./actions/token-get.js')).tokenGet as Action,
    // A cached client token needs no request (and no undici).
    sends: (flags) => (flags.code !== undefined || flags['refresh-token'] !== undefined || flags['no-cache'] ? 'one' : undefined),
  },
  'token:clear': {load: async () => (await import('./actions/token-clear.js')).tokenClear as Action, sends: () => undefined},
  'grant:create': {load: async () => (await import('./actions/grant-create.js')).grantCreate as Action, sends: () => 'one'},
  'grant:delegate': {load: async () => (await import('./actions/grant-delegate.js')).grantDelegate as Action, sends: () => 'one'},
  'user:create': {load: async () => (await import('./actions/user-create.js')).userCreate as Action, sends: oneOrMany},
  'user:delete': {load: async () => (await import('./actions/user-delete.js')).userDelete as Action, sends: oneOrMany},
}

/**
 * Flags defined with Flags.integer: the manifest records them as plain options, so their
 * bounds are kept here (test/fast-path.test.js compares them with the command classes).
 */
export const INTEGER_FLAGS: Record<string, {min: number; max: number}> = {
  retries: {min: 0, max: 10},
  concurrency: {min: 1, max: 256},
}

export interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  multiple?: boolean
  options?: string[]
  default?: unknown
  exclusive?: string[]
  required?: boolean
  allowNo?: boolean
  hasDynamicHelp?: boolean
}

interface ManifestCommand {
  id: string
  pluginType?: string
  strict?: boolean
  enableJsonFlag?: boolean
  args?: Record<string, unknown>
  flags: Record<string, ManifestFlag & Record<string, unknown>>
}

/** Manifest keys of a flag this parser understands; a flag with any other (env, dependsOn, aliases...) sends the command to oclif. */
const KNOWN_FLAG_KEYS = new Set(['name', 'type', 'char', 'multiple', 'options', 'default', 'exclusive', 'required', 'allowNo', 'hasDynamicHelp', 'description', 'summary', 'helpGroup'])

export type ParsedFlags = Record<string, string | string[] | number | boolean>

/**
 * Parses a hot command's arguments as oclif would, or returns undefined whenever oclif might
 * see them differently or report an error (oclif then runs and says what is wrong).
 */
export function parsePlain(tokens: readonly string[], defs: Record<string, ManifestFlag & Record<string, unknown>>): ParsedFlags | undefined {
  const byChar = new Map<string, ManifestFlag>()
  for (const def of Object.values(defs)) {
    if (Object.keys(def).some((k) => !KNOWN_FLAG_KEYS.has(k)) || def.allowNo || def.hasDynamicHelp) return undefined
    if (def.char) byChar.set(def.char, def)
  }
  const out: ParsedFlags = {}
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    let def: ManifestFlag | undefined
    let value: string | undefined
    if (token.startsWith('--')) {
      const eq = token.indexOf('=')
      def = defs[eq > 0 ? token.slice(2, eq) : token.slice(2)]
      if (eq > 0) value = token.slice(eq + 1)
    } else if (/^-[A-Za-z]$/.test(token)) {
      def = byChar.get(token[1]!)
    }
    if (!def || (def.name in out && !def.multiple)) return undefined
    if (def.type === 'boolean') {
      if (value !== undefined) return undefined
      out[def.name] = true
      continue
    }
    if (value === undefined) value = tokens[++i]
    // A value that looks like a flag (or none at all): oclif's reading of it is not this parser's call.
    if (value === undefined || value === '' || (value.startsWith('-') && value !== '-')) return undefined
    if (def.options && !def.options.includes(value)) return undefined
    let parsed: string | number = value
    const bounds = INTEGER_FLAGS[def.name]
    if (bounds) {
      if (!/^-?\d+$/.test(value)) return undefined
      parsed = Number.parseInt(value, 10)
      if (parsed < bounds.min || parsed > bounds.max) return undefined
    }
    if (def.multiple) out[def.name] = [...((out[def.name] as string[] | undefined) ?? []), String(parsed)]
    else out[def.name] = parsed
  }
  for (const def of Object.values(defs)) {
    const given = def.name in out
    if (given && def.exclusive?.some((other) => other in out)) return undefined
    if (!given && def.required) return undefined
    if (!given && def.default !== undefined) {
      if (typeof def.default !== 'string' && typeof def.default !== 'number' && typeof def.default !== 'boolean') return undefined
      out[def.name] = def.default
    }
  }
  return out
}

/** oclif behaves differently (debug logs, JSON everywhere, user plugins that may hook in) with these. */
function oclifWouldDiffer(env: NodeJS.ProcessEnv): boolean {
  if (env.TINK_NO_FAST_PATH === '1' || env.DEBUG || env.TINK_DEBUG || env.TINK_CONTENT_TYPE) return true
  if (Object.keys(env).some((k) => k.startsWith('OCLIF_'))) return true
  try {
    process.cwd() // oclif warns when the current folder is gone
  } catch {
    return true
  }
  return userPluginsInstalled(env)
}

/** A hot command with plain arguments, ready to run without oclif. */
export interface FastPlan {
  id: string
  tokens: string[]
  flags: ParsedFlags
  version: string
}

/**
 * Whether `argv` names a hot command with plain arguments (parsed, nothing loaded or run yet);
 * undefined means oclif should run.
 */
export function planFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): FastPlan | undefined {
  if (argv.length < 2 || oclifWouldDiffer(env)) return undefined
  const id = `${argv[0]}:${argv[1]}`
  if (!Object.hasOwn(HOT, id)) return undefined
  let manifest: {version?: string; commands?: Record<string, ManifestCommand>}
  let version: string
  try {
    manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
    version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version
  } catch {
    return undefined
  }
  const cmd = manifest.commands?.[id]
  // A manifest from another build (oclif warns and ignores it) or a command shaped unlike the hot ones.
  if (!cmd || manifest.version !== version || cmd.pluginType !== 'core' || cmd.strict === false || !cmd.enableJsonFlag || Object.keys(cmd.args ?? {}).length > 0) return undefined
  const tokens = argv.slice(2)
  const flags = parsePlain(tokens, cmd.flags)
  return flags && {id, tokens, flags, version}
}

/** Runs a planned command to the end: process.exitCode is set and stdout flushed when this resolves. */
export async function runFast(plan: FastPlan): Promise<void> {
  const io = processIO()
  // As oclif's Command module does: a reader that closed the pipe (| head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  const json = plan.flags.json === true
  try {
    const inv = new Invocation({flags: plan.flags as GlobalFlags, argv: plan.tokens, version: plan.version, json, usesProfiles: true, io})
    // Every hot command reads the keychain (the profile's secret, or the token cache of env
    // credentials) unless the profile keeps its secret in a file.
    if (inv.profile?.secretStore?.kind !== 'file') sharedKeychain().warmUp()
    const hot = HOT[plan.id]!
    const action = await hot.load()
    // undici takes about 25 ms to load, and the command would load it after waiting for the
    // keychain: loaded now, that wait happens meanwhile (the keychain answers on another thread).
    const sends = hot.sends(plan.flags)
    if (sends) preloadUndici(sends === 'many')
    await runInvocation(inv, action)
  } catch (error) {
    reportFailure(io, error, {json})
  }
  await flushStdout()
}

/** oclif's flush(): wait (at most 10 s) until what was written to stdout has left the process. */
function flushStdout(): Promise<void> {
  if (process.stdout.write('')) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000)
    timer.unref()
    process.stdout.once('drain', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
