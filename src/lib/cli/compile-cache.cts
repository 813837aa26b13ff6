/**
 * Loads the CLI bundle (dist/tink.cjs, one file: tink, @oclif/core, the help and autocomplete
 * commands) as Node's require() would, with a V8 code cache. Node 20 has no
 * module.enableCompileCache (22.8+ has, but it stores code before it runs, which for one large
 * bundle measured slower than this): the bundle is compiled through vm.Script with the data V8
 * produced for it last time. The data is written after a run (so it holds the functions that run
 * compiled) only when there was none or V8 rejected it; one file per first argument (`token`,
 * `user`, `--help`, ...), since each command runs different functions. It lives in the user's cache
 * folder (beside oclif's), so it works from a read-only global install; TINK_NO_COMPILE_CACHE=1
 * turns it off. Any failure here means "no cache", never a failed command. V8 checks the data
 * against the source and its flags itself; the file name holds the Node version and the
 * bundle's size and modification time.
 */
import {readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import Module from 'node:module'
import {dirname, join} from 'node:path'
import {constants, Script} from 'node:vm'
import {writeFileAtomic} from '../config/atomic-write.cjs'
import {appDir} from '../config/paths.cjs'

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
  // oclif import()s the commands of ES-module plugins (autocomplete): code vm.Script compiled can
  // do that only through an option Node 20 calls experimental (and warns about when used).
  if (argv[0] === 'autocomplete') return require(file)
  const off = env.TINK_NO_COMPILE_CACHE === '1' || env.TINK_NO_COMPILE_CACHE === 'true'
  const {size, mtimeMs} = statSync(file)
  const tag = `${size.toString(36)}-${Math.round(mtimeMs).toString(36)}`
  const dir = compileCacheDir(env)
  const prefix = `node-${process.version}-${process.arch}-${tag}-`
  // The command ids the build wrote beside the bundle name the files (a typo gets none of its own).
  const words = (require(join(dirname(file), 'commands.json')) as string[]).map((id) => id.split(':')[0])
  const key = cacheKey(argv, words) + (v8Flags ? `-${v8Flags}` : '')
  const writes: (() => void)[] = []
  // The bundle's chunks (dist/chunks/NAME.cjs, scripts/bundle.mjs) load through the same cache,
  // each with a file of its own beside the bundle's; they are rebuilt with the bundle, so its
  // tag stands for theirs.
  const chunks = new Map<string, unknown>()
  const bundleRequire = Module.createRequire(file)
  const chunkRequire = (id: string): unknown => {
    if (!id.startsWith('./chunks/')) return bundleRequire(id)
    if (!chunks.has(id)) chunks.set(id, load(join(dirname(file), id), `${key}-${id.slice('./chunks/'.length, -'.cjs'.length)}`, bundleRequire))
    return chunks.get(id)
  }

  /** What require() does for a file, compiled with the cache file named by `name`. */
  function load(path: string, name: string, req: (id: string) => unknown): unknown {
    const cacheFile = join(dir, `${prefix}${name}.cache`)
    let cachedData: Buffer | undefined
    if (!off) {
      try {
        cachedData = readFileSync(cacheFile)
      } catch {
        // none yet
      }
    }
    const source = readFileSync(path, 'latin1')
    const script = new Script(Module.wrap(source), {filename: path, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER})
    if (!off && (cachedData === undefined || script.cachedDataRejected === true)) writes.push(() => save(cacheFile, script))
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
      for (const name of readdirSync(dir)) if (!name.startsWith(prefix) && !name.endsWith('.tmp')) rmSync(join(dir, name), {force: true})
    } catch {
      // A read-only or full disk: the next run compiles again.
    }
  })
  return load(file, key, Object.assign(chunkRequire, bundleRequire))
}
