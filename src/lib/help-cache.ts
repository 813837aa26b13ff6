/**
 * Help replay cache. Printing help is almost all loading @oclif/core (about 160 CommonJS files)
 * and its renderer, for output that is a pure function of the installed files, the arguments,
 * the terminal and the environment. So the first run of a given help invocation goes through
 * oclif as always, and the exact bytes it wrote to stdout are kept; a later run with the same
 * inputs writes those bytes and never loads oclif.
 *
 * Safety first, since a wrong hit prints wrong help while a miss is only slower:
 * - the key is a SHA-256 over everything oclif's help output depends on (see helpKey), and any
 *   input that cannot be read or is not understood means "no cache";
 * - only runs that ended with exit code 0, wrote nothing to stderr and raised no warning are
 *   stored (so `tink help tokn`, an error with exit 2 from the help-subject hook, never is);
 * - every entry carries a checksum of its key and bytes; a file that does not parse, does not
 *   belong to this user or is writable by others is ignored.
 *
 * It lives beside the compile cache (compileCacheDir's rules), holds at most MAX_ENTRIES entries
 * (the least recently written go first), is written atomically with mode 0600, and keeps only
 * digests: no argument or environment value is stored in clear. TINK_NO_HELP_CACHE=1 turns it
 * off. Only node: built-ins here (and, as for `tink --version`, the is-wsl module oclif asks), so
 * that a hit costs about what `tink --version` does.
 */
import {createHash} from 'node:crypto'
import {closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir, platform, tmpdir} from 'node:os'
import {basename, dirname, join, resolve} from 'node:path'
import {isatty} from 'node:tty'
import {fileURLToPath} from 'node:url'
import {compileCacheDir} from './compile-cache.cjs'

const MAGIC = 'tink-help-cache-1'
const MAX_ENTRIES = 32
/** Far more than any help screen: a larger capture is not kept, and a file that could not hold only such entries is not read. */
const MAX_OUTPUT_BYTES = 256 * 1024
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Variables that change from one shell prompt to the next and that no help code reads. */
const ENV_IGNORED = new Set(['PWD', 'OLDPWD', '_', 'SHLVL'])
/** Secret-looking names: their values never reach the key (see envDigest). */
const ENV_SECRET = /SECRET|TOKEN|PASSWORD|PASS|KEY|CREDENTIAL/i

interface OclifSection {
  additionalHelpFlags?: unknown
  additionalVersionFlags?: unknown
  bin?: unknown
  binAliases?: unknown
  commands?: unknown
  dirname?: unknown
  helpClass?: unknown
  hooks?: Record<string, unknown>
  plugins?: unknown
  theme?: unknown
}

interface CliNames {
  bin: string
  dirname: string
}

interface Entry {
  key: string
  sum: string
  out: string
}

interface WritableLike {
  write: (...args: unknown[]) => boolean
}

const sha256 = (...parts: Array<string | Buffer>): string => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\0')
  return h.digest('hex')
}

const isOff = (env: NodeJS.ProcessEnv): boolean => env.TINK_NO_HELP_CACHE === '1' || env.TINK_NO_HELP_CACHE === 'true'

export function helpCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(dirname(compileCacheDir(env)), 'help-cache.json')
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/**
 * What oclif's main.run answers with help rather than a command: no arguments, the help command,
 * or a help flag before `--` (helpAddition), unless the first argument is a version flag, which
 * oclif checks first (versionAddition). Topic-only calls (`tink token`) also print help but are
 * told apart from commands only by oclif's id resolution, so they are left to oclif.
 */
export function isHelpInvocation(argv: readonly string[], oclif: OclifSection): boolean {
  if (argv.length === 0) return true
  if (['--version', ...strings(oclif.additionalVersionFlags)].includes(argv[0])) return false
  if (argv[0] === 'help') return true
  const helpFlags = ['--help', ...strings(oclif.additionalHelpFlags)]
  for (const arg of argv) {
    if (helpFlags.includes(arg)) return true
    if (arg === '--') return false
  }
  return false
}

/** A file's content digest; "absent" only for a file that does not exist (any other failure throws). */
function fileDigest(file: string): string {
  try {
    return sha256(readFileSync(file))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent'
    throw error
  }
}

/** oclif reads oclif.manifest.json, else .oclif.manifest.json; with neither it loads every command file, which no digest here covers. */
function manifestDigest(root: string): string {
  for (const name of ['oclif.manifest.json', '.oclif.manifest.json']) {
    let text: Buffer
    try {
      text = readFileSync(join(root, name))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue
      throw error
    }
    // Such a command's help loads its class and evaluates its defaults at help time: anything may go in.
    if (/"hasDynamicHelp"\s*:\s*true/.test(text.toString('utf8'))) throw new Error('dynamic help')
    return `${name}:${sha256(text)}`
  }
  throw new Error('no manifest')
}

/** Where oclif's findRoot puts a plugin: require.resolve from the CLI's root, then up to the folder named like the package. */
function pluginRoot(require: NodeJS.Require, name: string): string {
  let dir = dirname(require.resolve(name))
  while (basename(dir) !== basename(name)) {
    if (dirname(dir) === dir) throw new Error(`no root for ${name}`)
    dir = dirname(dir)
  }
  return dir
}

/** oclif's configDir (Config.load: scopedEnvVar('CONFIG_DIR'), else dir('config')), where it looks for the user's theme.json. */
function oclifConfigDir(env: NodeJS.ProcessEnv, oclif: OclifSection, cli: CliNames): string {
  for (const bin of [cli.bin, ...strings(oclif.binAliases)]) {
    const value = env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_CONFIG_DIR`.toUpperCase()]
    if (value) return value
  }
  const windows = process.platform === 'win32'
  const windowsHome = (env.HOMEDRIVE && env.HOMEPATH && join(env.HOMEDRIVE, env.HOMEPATH)) || env.USERPROFILE
  const home = env.HOME || (windows && windowsHome) || homedir() || tmpdir()
  const base = env.XDG_CONFIG_HOME || (windows && env.LOCALAPPDATA) || join(home, '.config')
  return join(base, windows ? cli.dirname.replace('/', '\\') : cli.dirname)
}

/**
 * Every variable counts, by value, except the few that change at every prompt and those with
 * secret-looking names: help prints no variable's value, and a secret must not shape a file. Their
 * names still count: ansis picks its colour depth from which names exist (CI with any GITHUB_*
 * name means truecolor), and GITHUB_TOKEN alone is such a name.
 */
function envDigest(env: NodeJS.ProcessEnv): string {
  const h = createHash('sha256')
  for (const name of Object.keys(env).sort()) {
    const value = env[name]
    if (value === undefined || ENV_IGNORED.has(name)) continue
    h.update(name).update('=').update(ENV_SECRET.test(name) ? '<set>' : value).update('\0')
  }
  return h.digest('hex')
}

function streamShape(stream: NodeJS.WriteStream): string {
  // oclif's screen.ts: columns from getWindowSize() on a TTY, 80 otherwise (or OCLIF_COLUMNS).
  if (!stream.isTTY) return 'pipe'
  return `tty:${stream.getWindowSize()[0]}`
}

/**
 * The key: everything oclif's help output depends on. Throws when something cannot be read or is
 * outside what this cache understands (the caller then leaves the run to oclif alone).
 */
function helpKey(argv: readonly string[], env: NodeJS.ProcessEnv, pjsonText: Buffer, oclif: OclifSection, cli: CliNames): string {
  // A help class of the CLI's own is code no digest here covers; a single-command CLI reads argv differently.
  if (oclif.helpClass !== undefined) throw new Error('custom help class')
  if (typeof oclif.commands === 'object' && oclif.commands !== null) throw new Error('commands strategy')
  const require = createRequire(join(ROOT, 'package.json'))
  const corePjson = require.resolve('@oclif/core/package.json')
  // Exactly what oclif puts in its VERSION line (config.platform), as bin/run.cjs's --version does.
  const wsl = createRequire(corePjson)('is-wsl') === true
  const parts: string[] = [
    MAGIC,
    ROOT,
    JSON.stringify(argv),
    JSON.stringify(process.execArgv),
    `${process.version} ${process.arch} ${wsl ? 'wsl' : platform()}`,
    sha256(pjsonText),
    manifestDigest(ROOT),
    `core:${fileDigest(corePjson)}`,
    // Help renders with oclif's own dependencies (wrap-ansi, string-width...), whose versions move
    // only with an install: npm rewrites this file at every install of that tree.
    `tree:${treeStamp(join(dirname(corePjson), '..', '..', '.package-lock.json'))}`,
  ]
  const plugins = oclif.plugins === undefined ? [] : oclif.plugins
  if (!Array.isArray(plugins)) throw new Error('plugins')
  for (const name of plugins) {
    if (typeof name !== 'string') throw new Error('plugin entry')
    const root = pluginRoot(require, name)
    parts.push(`plugin:${name}:${fileDigest(join(root, 'package.json'))}:${manifestDigest(root)}`)
  }
  // Hook code runs before help (the init hook decides about unknown subjects).
  for (const [event, value] of Object.entries(oclif.hooks ?? {})) {
    for (const hook of Array.isArray(value) ? value : [value]) {
      const target = typeof hook === 'string' ? hook : (hook as {target?: unknown} | null)?.target
      if (typeof target !== 'string') throw new Error('hook entry')
      // Read, not fileDigest: a hook oclif finds some other way (no extension, a folder) is not covered.
      parts.push(`hook:${event}:${sha256(readFileSync(resolve(ROOT, target)))}`)
    }
  }
  // Config.loadTheme: the user's theme.json in the config folder over the CLI's own theme.
  if (typeof oclif.theme === 'string') parts.push(`theme:${fileDigest(resolve(ROOT, oclif.theme))}`)
  parts.push(`user-theme:${fileDigest(join(oclifConfigDir(env, oclif, cli), 'theme.json'))}`)
  // Colour and width: ansis looks at stdout, oclif's screen widths at stdout and stderr.
  parts.push(`stdin:${isatty(0)} stdout:${streamShape(process.stdout)} stderr:${streamShape(process.stderr)}`)
  parts.push(envDigest(env))
  return sha256(...parts)
}

function treeStamp(file: string): string {
  try {
    const st = statSync(file)
    return `${st.size}:${st.mtimeMs}:${st.ino}`
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent'
    throw error
  }
}

const entrySum = (key: string, out: Buffer): string => sha256(MAGIC, key, out)

/** The stored entries, oldest first; nothing when the file is missing, foreign or damaged. */
function readEntries(file: string): Entry[] {
  let text: string
  try {
    // Non-blocking: a FIFO put in the file's place must not hang tink (regular files ignore the flag).
    const fd = openSync(file, constants.O_NONBLOCK === undefined ? 'r' : constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const st = fstatSync(fd)
      // Someone else's file, or one others may write, could make tink print anything.
      if (!st.isFile() || st.size > 4 * MAX_ENTRIES * MAX_OUTPUT_BYTES) return []
      if (typeof process.getuid === 'function' && (st.uid !== process.getuid() || (st.mode & 0o022) !== 0)) return []
      text = readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
    const doc = JSON.parse(text) as {magic?: unknown; entries?: unknown}
    if (doc.magic !== MAGIC || !Array.isArray(doc.entries)) return []
    return (doc.entries as unknown[]).filter((e): e is Entry => {
      const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>
      return typeof o.key === 'string' && typeof o.sum === 'string' && typeof o.out === 'string'
    })
  } catch {
    return []
  }
}

function writeEntries(file: string, entries: Entry[]): void {
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  // Several tink processes may finish at once: each writes its own file and renames it over.
  const tmp = `${file}.${process.pid}.tmp`
  try {
    rmSync(tmp, {force: true})
    writeFileSync(tmp, JSON.stringify({magic: MAGIC, entries}), {mode: 0o600, flag: 'wx'})
    renameSync(tmp, file)
  } catch (error) {
    rmSync(tmp, {force: true})
    throw error
  }
}

function store(file: string, key: string, out: Buffer): void {
  const entries = readEntries(file).filter((e) => e.key !== key)
  entries.push({key, sum: entrySum(key, out), out: out.toString('base64')})
  writeEntries(file, entries.slice(-MAX_ENTRIES))
}

function lookup(file: string, key: string): Buffer | undefined {
  const entry = readEntries(file).find((e) => e.key === key)
  if (!entry) return undefined
  const out = Buffer.from(entry.out, 'base64')
  return entrySum(key, out) === entry.sum ? out : undefined
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
  // A copy: a caller may reuse its buffer once write returns.
  if (chunk instanceof Uint8Array) return Buffer.from(chunk)
  throw new TypeError('not a chunk')
}

/**
 * Keeps a copy of what this run writes to stdout (still written through) and stores it under
 * `key` at exit if the run succeeded without a word on stderr. Installed before oclif loads, so
 * every write, through console.log or not, passes here.
 */
function capture(file: string, key: string, keyNow: () => string | undefined): void {
  const chunks: Buffer[] = []
  let size = 0
  let unusable = false
  const stdout = process.stdout as unknown as WritableLike
  const stderr = process.stderr as unknown as WritableLike
  const stdoutWrite = stdout.write
  const stderrWrite = stderr.write
  stdout.write = function (this: unknown, ...args: unknown[]): boolean {
    if (!unusable) {
      try {
        const b = toBuffer(args[0], args[1])
        chunks.push(b)
        size += b.length
        if (size > MAX_OUTPUT_BYTES) unusable = true
      } catch {
        unusable = true
      }
    }
    return Reflect.apply(stdoutWrite, this, args) as boolean
  }
  stderr.write = function (this: unknown, ...args: unknown[]): boolean {
    unusable = true
    return Reflect.apply(stderrWrite, this, args) as boolean
  }
  // Node prints warnings on stderr a tick later; the run then does not count as clean.
  process.on('warning', () => (unusable = true))
  process.once('exit', (code) => {
    if (unusable || code !== 0) return
    try {
      if (keyNow() === key) store(file, key, Buffer.concat(chunks))
    } catch {
      // A read-only or full disk: the next run asks oclif again.
    }
  })
}

/** This invocation's key, or undefined when it is not help or the CLI's configuration is outside what the cache understands. */
function invocationKey(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const pjsonText = readFileSync(join(ROOT, 'package.json'))
  const pjson = JSON.parse(pjsonText.toString('utf8')) as {name?: unknown; oclif?: OclifSection}
  const oclif = pjson.oclif ?? {}
  if (!isHelpInvocation(argv, oclif)) return undefined
  // oclif warns on stderr when the working folder is gone: that run is oclif's to answer.
  process.cwd()
  // Config.load: bin and dirname fall back to the package name.
  const name = typeof pjson.name === 'string' ? pjson.name : ''
  const cli = {bin: typeof oclif.bin === 'string' && oclif.bin ? oclif.bin : name, dirname: typeof oclif.dirname === 'string' && oclif.dirname ? oclif.dirname : name}
  if (!cli.bin || !cli.dirname) return undefined
  return helpKey(argv, env, pjsonText, oclif, cli)
}

/**
 * Called by bin/run.cjs before oclif loads. Returns true when it has printed this invocation's help
 * from the cache (the run is then done); otherwise leaves the run to oclif, recording its output
 * when it is help. Never throws.
 */
export function replayHelp(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    if (isOff(env)) return false
    const key = invocationKey(argv, env)
    if (key === undefined) return false
    const file = helpCacheFile(env)
    const out = lookup(file, key)
    if (out === undefined) {
      // The key is taken again at exit: output made while an input changed (a theme saved, an
      // install, the terminal resized) belongs to neither state and is not kept.
      capture(file, key, () => invocationKey(argv, env))
      return false
    }
    // As console.log does for oclif: a reader that went away (`| head`) is not tink's failure.
    process.stdout.on('error', () => {})
    process.stdout.write(out)
    return true
  } catch {
    return false
  }
}
