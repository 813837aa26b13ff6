/**
 * Loads the CLI bundle (dist/tink.cjs, one file: tink, @oclif/core and the help
 * command) as Node's require() would, with a V8 code cache. Node 20 has no
 * module.enableCompileCache (22.8+ has, but it stores code before it runs, which for one large
 * bundle measured slower than this): the bundle is compiled through vm.Script with the data V8
 * produced for it last time. The data is written after a run (so it holds the functions that run
 * compiled) only when there was none or V8 rejected it; one file per first argument (`token`,
 * `user`, `--help`, ...), since each command runs different functions. It lives in the user's cache
 * folder (beside oclif's), so it works from a read-only global install; TINK_NO_COMPILE_CACHE=1
 * turns it off. Any failure here means "no cache", never a failed command.
 *
 * V8 checks the data only against the source's length and its own flags, so the file name holds
 * the Node version and the build id: a hash of the build's content that scripts/bundle.mjs
 * appends to every file it writes (two builds of equal size and mtime must not run each other's
 * code). A file without one is compiled without a cache.
 *
 * The cache folder may be somewhere another user or a restored CI cache put something first: it is
 * used only when it is a real folder (not a symbolic link) owned by this user with mode 0700, in a
 * parent no other user can change; otherwise the run compiles without a cache (said with
 * --verbose). Only files with the cache's own name pattern, owned by this user, are ever deleted.
 */
import {
  constants as fsConstants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  closeSync,
  chmodSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs'
import Module from 'node:module'
import {dirname, join} from 'node:path'
import {constants, Script} from 'node:vm'
import {writeFileAtomic} from '../config/atomic-write.cjs'
import {appDir} from '../config/paths.cjs'

/** What scripts/bundle.mjs appends to each file it builds: the build id (hex) in a last-line comment. */
export const BUILD_ID_MARK = '//# tinkBuildId='
const BUILD_ID = /\/\/# tinkBuildId=([0-9a-f]{16,64})\s*$/
/** A cache file tink writes: node-<version>-<arch>-<build id>-<name>.cache. Nothing else is ever deleted. */
export const CACHE_FILE = /^node-v\d+\.\d+\.\d+-[a-z0-9]+-[0-9a-f]{16,64}-[a-z0-9-]+\.cache$/

/** The build id a built file carries in its last line, or undefined. */
export function buildIdOf(source: string): string | undefined {
  return BUILD_ID.exec(source.slice(-120))?.[1]
}

/**
 * Why `dir` (the cache folder) must not be used, or undefined when it may: it is created (0700)
 * when missing. Its parent may be a link only if this user made the link, and must belong to this
 * user (or root) and be writable by no one else unless sticky (/tmp): otherwise another user could
 * swap the folder for a link between these checks and a write.
 */
export function cacheDirProblem(dir: string): string | undefined {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
  const parent = dirname(dir)
  try {
    mkdirSync(parent, {recursive: true, mode: 0o700})
  } catch (err) {
    return `its parent cannot be created (${(err as Error).message})`
  }
  const link = lstatSync(parent)
  if (uid !== undefined) {
    if (link.isSymbolicLink() && link.uid !== uid) return `its parent ${parent} is a symbolic link another user made`
    const p = statSync(parent)
    if (!p.isDirectory()) return `its parent ${parent} is not a folder`
    if (p.uid !== uid && p.uid !== 0) return `its parent ${parent} belongs to another user`
    if ((p.mode & 0o022) !== 0 && (p.mode & 0o1000) === 0) return `its parent ${parent} is writable by other users`
  }
  let st: Stats
  try {
    st = lstatSync(dir)
  } catch {
    try {
      mkdirSync(dir, {mode: 0o700})
      st = lstatSync(dir)
      // A umask can only narrow the mode; a folder this run just made is made exact.
      if (st.isDirectory() && (st.mode & 0o777) !== 0o700 && uid !== undefined) {
        chmodSync(dir, 0o700)
        st = lstatSync(dir)
      }
    } catch (err) {
      return `it cannot be created (${(err as Error).message})`
    }
  }
  if (st.isSymbolicLink()) return 'it is a symbolic link'
  if (!st.isDirectory()) return 'it is not a folder'
  if (uid !== undefined) {
    if (st.uid !== uid) return 'it belongs to another user'
    if ((st.mode & 0o777) !== 0o700) return `its mode is ${(st.mode & 0o777).toString(8)}, not 700`
  }
  return undefined
}

/** A cache file's bytes, never through a link (O_NOFOLLOW where the OS has it). */
function readOwnFile(path: string): Buffer {
  const fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0))
  try {
    return readFileSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Deletes the cache files of other builds or Node versions: only regular files this user owns, named as tink names them. */
function deleteOthers(dir: string, keepPrefix: string): void {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined
  for (const name of readdirSync(dir)) {
    if (name.startsWith(keepPrefix) || !CACHE_FILE.test(name)) continue
    const path = join(dir, name)
    const st = lstatSync(path)
    if (st.isFile() && (uid === undefined || st.uid === uid)) unlinkSync(path)
  }
}

export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(appDir('cache', env), 'v8-compile-cache')
}

/** Which cache file a command line uses: its topic or command (`token`, `login`), `help`, or `other`. */
export function cacheKey(argv: readonly string[], words: readonly string[]): string {
  const first = argv[0] ?? ''
  if (first === '' || first === '--help' || first === '-h') return 'help'
  return words.includes(first) ? first : 'other'
}

/**
 * Requires `file` (a CommonJS bundle) through the code cache; returns its exports. `v8Flags` names
 * the V8 flags the entry point set (e.g. `liftoff`): V8 rejects data made under other flags, so
 * command lines of one topic with and without them keep files of their own instead of replacing
 * each other's.
 */
export function requireCached(file: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env, v8Flags = ''): unknown {
  const verbose = argv.includes('--verbose') || argv.includes('-v')
  const said = new Set<string>()
  const trace = (line: string): void => {
    if (!verbose || said.has(line)) return
    said.add(line)
    try {
      process.stderr.write(`* code cache: ${line}\n`)
    } catch {
      // stderr gone: nothing to tell
    }
  }
  let off = env.TINK_NO_COMPILE_CACHE === '1' || env.TINK_NO_COMPILE_CACHE === 'true'
  const dir = compileCacheDir(env)
  if (!off) {
    let problem: string | undefined
    try {
      problem = cacheDirProblem(dir)
    } catch (err) {
      problem = `it cannot be checked (${(err as Error).message})`
    }
    if (problem) {
      off = true
      trace(`not using ${dir}: ${problem}; compiling without a cache`)
    }
  }
  const version = `node-${process.version}-${process.arch}-`
  let bundleId: string | undefined
  // The command ids the build wrote beside the bundle name the files (a typo gets none of its own).
  const words = (require(join(dirname(file), 'commands.json')) as string[]).map((id) => id.split(':')[0])
  const key = cacheKey(argv, words) + (v8Flags ? `-${v8Flags}` : '')
  const writes: (() => void)[] = []
  // The bundle's chunks (dist/chunks/NAME.cjs, scripts/bundle.mjs) load through the same cache,
  // each with a file of its own beside the bundle's, named with the build id the chunk carries.
  const chunks = new Map<string, unknown>()
  const bundleRequire = Module.createRequire(file)
  const chunkRequire = (id: string): unknown => {
    if (!id.startsWith('./chunks/')) return bundleRequire(id)
    if (!chunks.has(id)) chunks.set(id, load(join(dirname(file), id), `${key}-${id.slice('./chunks/'.length, -'.cjs'.length)}`, bundleRequire))
    return chunks.get(id)
  }

  /** What require() does for a file, compiled with the cache file named by `name`. */
  function load(path: string, name: string, req: (id: string) => unknown): unknown {
    const source = readFileSync(path, 'latin1')
    const id = buildIdOf(source)
    if (path === file) bundleId = id
    const cacheFile = !off && id ? join(dir, `${version}${id}-${name}.cache`) : undefined
    let cachedData: Buffer | undefined
    if (cacheFile) {
      try {
        cachedData = readOwnFile(cacheFile)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') trace(`cannot read ${cacheFile} (${(err as Error).message}); rebuilding it`)
      }
    }
    const script = new Script(Module.wrap(source), {filename: path, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER})
    if (cacheFile && (cachedData === undefined || script.cachedDataRejected === true)) {
      if (cachedData !== undefined) trace(`${cacheFile} does not fit this build; rebuilding it`)
      writes.push(() => save(cacheFile, script))
    }
    // With the module in require.cache, so oclif's require() of the bundle (its command map and
    // hooks) gets these same exports.
    const mod = new Module(path, module)
    mod.filename = path
    require.cache[path] = mod
    const fn = script.runInThisContext() as (...args: unknown[]) => unknown
    fn.call(mod.exports, mod.exports, req, mod, path, dirname(path))
    mod.loaded = true
    return mod.exports
  }

  function save(cacheFile: string, script: Script): void {
    // Several tink processes may end at once: each writes its own file and renames it over.
    writeFileAtomic(cacheFile, script.createCachedData())
  }

  process.once('exit', () => {
    if (writes.length === 0) return
    try {
      for (const write of writes) write()
      // Files of other builds or Node versions are dead weight once this one exists.
      if (bundleId) deleteOthers(dir, `${version}${bundleId}-`)
    } catch {
      // A read-only or full disk: the next run compiles again.
    }
  })
  return load(file, key, Object.assign(chunkRequire, bundleRequire))
}
