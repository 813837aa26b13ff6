/**
 * The fast path, part 1: whether a command line can run without oclif, decided from the
 * arguments and the same oclif.manifest.json oclif reads, before anything else loads. Part 2,
 * running it, is fast.ts (bundled by the build). CommonJS (.cts), so bin/run.cjs can ask without
 * starting Node's ES module loader.
 *
 * "Plain" is deliberately narrow, so that the fast path gives exactly what oclif gives: only the
 * command's own flags, each written one unambiguous way (`--name value`, `--name=value`, `-c value`),
 * with values oclif would accept. Anything else (help, an unknown or repeated flag, a value
 * oclif would reject, exclusive flags together, a missing required flag, `--`, positional
 * arguments, oclif debug or JSON env vars, user plugins) is not planned, and oclif runs as before
 * and produces its own messages. TINK_NO_FAST_PATH=1 turns it off. test/fast-path.test.js checks
 * the parse against oclif's for every hot command.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {oclifMayDoMore} from './user-plugins.cjs'

const ROOT = join(__dirname, '..', '..')

/**
 * V8 flags for bulk runs (see bulk/heap.ts), set by bin/run.cjs before anything compiles: code
 * cache data is valid only under the flags it was made with, so bulk runs keep their own blob.
 */
export const BULK_V8_FLAGS = '--expose-gc --semi-space-growth-factor=1'

/** The hot commands, by manifest id, and whether a run sends requests (undici then loads early). */
export const HOT_COMMANDS: Record<string, (flags: ParsedFlags) => boolean> = {
  // A cached client token needs no request (and no undici).
  'token:get': (flags) => flags.code !== undefined || flags['refresh-token'] !== undefined || flags['no-cache'] === true,
  'token:clear': () => false,
  'grant:create': () => true,
  'grant:delegate': () => true,
  'user:create': () => true,
  'user:delete': () => true,
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
  if (env.TINK_NO_FAST_PATH === '1' || env.TINK_CONTENT_TYPE) return true
  if (Object.keys(env).some((k) => k.startsWith('OCLIF_'))) return true
  try {
    process.cwd() // oclif warns when the current folder is gone
  } catch {
    return true
  }
  return oclifMayDoMore(env)
}

/** A hot command with plain arguments, ready to run without oclif. */
export interface FastPlan {
  id: string
  tokens: string[]
  flags: ParsedFlags
  version: string
  /** Whether the run sends requests. */
  sends: boolean
  /** Bulk work (--file): a long run, prepared for by bin/run.cjs (see bulk/heap.ts). */
  bulk: boolean
}

/**
 * Whether `argv` names a hot command with plain arguments (parsed, nothing loaded or run yet);
 * undefined means oclif should run.
 */
export function planFast(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): FastPlan | undefined {
  if (argv.length < 2 || oclifWouldDiffer(env)) return undefined
  const id = `${argv[0]}:${argv[1]}`
  if (!Object.hasOwn(HOT_COMMANDS, id)) return undefined
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
  return flags && {id, tokens, flags, version, sends: HOT_COMMANDS[id]!(flags), bulk: flags.file !== undefined}
}

