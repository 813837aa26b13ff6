/**
 * V8 code cache for the CommonJS modules tink loads (@oclif/core, undici and their dependencies:
 * about 160 files for --help, 250 for a command that sends a request). Node 20 has no
 * module.enableCompileCache (22.8+), and compiling those files is one of the largest costs of a
 * run after Node's own start. As v8-compile-cache did: each file is compiled through vm.Script
 * with the code V8 produced for it last time, and the cache is rewritten only when a run compiled
 * something new. It lives in the user's cache folder (beside oclif's), so it works from a
 * read-only `npm install -g`. TINK_NO_COMPILE_CACHE=1 turns it off.
 *
 * Safety: an entry is used only for the same file with the same content (SHA-1) under the same
 * Node and V8 (in the file name); V8 itself rejects data made by another version or flags. Any
 * failure here means "no cache", never a failed command. Loaded by bin/run.cjs before oclif or the fast-path bundle. CommonJS (.cts), like the bundle:
 * bin/run.cjs reaches a hot command without starting Node's ES module loader.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir, tmpdir} from 'node:os'
import {basename, dirname, join, sep} from 'node:path'
import {Script} from 'node:vm'

const MAGIC = 'tink-v8-cache-1'
/** The fast path, bundled by the build (bin/run.cjs requires it once this cache is installed). */
const FAST_BUNDLE = join(__dirname, 'fast.bundle.cjs')
/**
 * Emitted on process by http.ts before it changes a V8 flag mid-run. An event, not a call: the
 * fast path is a bundle with its own copy of this module, apart from the one bin/run.cjs installs.
 */
export const SETTLE_COMPILE_CACHE = 'tink:settle-compile-cache'
/** Files that may call import(): in a vm.Script that needs Node's experimental USE_MAIN_CONTEXT_DEFAULT_LOADER, which prints a warning. */
const DYNAMIC_IMPORT = /\bimport\s*\(|\bimport\s*\/\*/

/**
 * Whether a file may call import(). Type annotations in JSDoc (`@param {import('x').T}`) are not
 * calls, and the largest undici files have them: lines that are comments are skipped. The rule
 * errs one way only: anything that is not plainly a comment line counts, so a file that does call
 * import() is never compiled through vm.Script.
 */
export function mayImportDynamically(content: string): boolean {
  if (!DYNAMIC_IMPORT.test(content)) return false
  for (const line of content.split('\n')) {
    if (!DYNAMIC_IMPORT.test(line)) continue
    const text = line.trimStart()
    if (text.startsWith('//')) continue
    if (text.startsWith('*') || text.startsWith('/*')) {
      // A comment line, unless code follows where the comment closes on it.
      const close = text.lastIndexOf('*/')
      if (close < 0 || !DYNAMIC_IMPORT.test(text.slice(close + 2))) continue
    }
    return true
  }
  return false
}

/** The parts of Node's CommonJS loader this hooks into (internal, stable since Node 0.x; v8-compile-cache used the same). */
interface CjsModule {
  exports: unknown
  require(id: string): unknown
  _compile(content: string, filename: string): unknown
}
interface CjsModuleClass {
  prototype: CjsModule
  wrap(source: string): string
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string
  _resolveLookupPaths(request: string, parent: CjsModule): string[] | null
  _extensions: unknown
  _cache: unknown
  enableCompileCache?: (dir?: string) => unknown
}

interface Entry {
  hash: string
  data: Buffer
}

/** oclif's cacheDir rules for this CLI (XDG_CACHE_HOME, macOS Caches, Windows LOCALAPPDATA). */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || homedir() || tmpdir()
  let base: string
  if (env.XDG_CACHE_HOME) base = env.XDG_CACHE_HOME
  else if (process.platform === 'darwin') base = join(home, 'Library', 'Caches')
  else if (process.platform === 'win32' && env.LOCALAPPDATA) base = env.LOCALAPPDATA
  else base = join(home, '.cache')
  return join(base, 'tink-auth-cli', 'v8-compile-cache')
}

/** Layout: uint32 header length, the JSON header (magic, [file, hash, length] per entry), then the data, in order. */
function readBlob(file: string): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  let buf: Buffer
  try {
    buf = readFileSync(file)
  } catch {
    return entries
  }
  try {
    const headerLength = buf.readUInt32LE(0)
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as {magic?: string; entries?: Array<[string, string, number]>}
    if (header.magic !== MAGIC || !Array.isArray(header.entries)) return entries
    let offset = 4 + headerLength
    for (const [filename, hash, length] of header.entries) {
      if (offset + length > buf.length) break
      entries.set(filename, {hash, data: buf.subarray(offset, offset + length)})
      offset += length
    }
  } catch {
    entries.clear()
  }
  return entries
}

function writeBlob(dir: string, file: string, suffix: string, entries: Map<string, Entry>): void {
  const index: Array<[string, string, number]> = []
  const parts: Buffer[] = []
  for (const [filename, e] of entries) {
    index.push([filename, e.hash, e.data.length])
    parts.push(e.data)
  }
  const header = Buffer.from(JSON.stringify({magic: MAGIC, entries: index}), 'utf8')
  const length = Buffer.alloc(4)
  length.writeUInt32LE(header.length, 0)
  mkdirSync(dir, {recursive: true, mode: 0o700})
  // Several tink processes may finish at once: each writes its own file and renames it over.
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, Buffer.concat([length, header, ...parts]), {mode: 0o600})
  renameSync(tmp, file)
  // This install's caches made by other Node versions are dead weight once this one exists, and
  // so are blobs of the layout before per-install blobs (one file every copy of tink rewrote).
  for (const name of readdirSync(dir)) {
    if (name === basename(file) || !name.startsWith('node-') || name.endsWith('.tmp')) continue
    if (name.endsWith(suffix) || !/-[0-9a-f]{12}-[a-z]+\.cache$/.test(name)) rmSync(join(dir, name), {force: true})
  }
}

/**
 * `set` names the blob: the fast path loads a few dozen files, oclif's path a few hundred, and
 * each run reads its whole blob, so they keep separate ones. The blob is per install folder too,
 * so a second copy of tink (a global install beside a checkout) neither grows nor rewrites it.
 */
export function installCompileCache(env: NodeJS.ProcessEnv = process.env, set = 'oclif'): void {
  if (env.TINK_NO_COMPILE_CACHE === '1' || env.TINK_NO_COMPILE_CACHE === 'true') return
  const Module = require('node:module') as CjsModuleClass
  // Node 22.8+ does this itself, for ES modules too.
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(join(dirname(compileCacheDir(env)), 'node-compile-cache'))
    return
  }

  const dir = compileCacheDir(env)
  const install = createHash('sha1').update(join(__dirname, '..', '..') + sep).digest('hex').slice(0, 12)
  const suffix = `-${install}-${set}.cache`
  const file = join(dir, `node-${process.version}-${process.arch}-v8-${process.versions.v8}${suffix}`)
  const stored = readBlob(file)
  const compiled = new Map<string, {hash: string; script: Script}>()
  let changed = false
  const originalCompile = Module.prototype._compile

  Module.prototype._compile = function (this: CjsModule, content: string, filename: string): unknown {
    // Only installed packages and the fast-path bundle (their content does not change between
    // runs; the hash below guards a rebuild), and not the few that may call import() (oclif's
    // module loader): Node compiles those itself.
    if (!(filename.includes(`${sep}node_modules${sep}`) || filename === FAST_BUNDLE) || mayImportDynamically(content)) return originalCompile.call(this, content, filename)
    const hash = createHash('sha1').update(content).digest('base64')
    const entry = stored.get(filename)
    const cachedData = entry && entry.hash === hash ? entry.data : undefined
    const source = content.startsWith('#!') ? '//' + content.slice(2) : content
    let script: Script
    try {
      script = new Script(Module.wrap(source), {filename, cachedData})
    } catch {
      // A syntax error or anything unusual: Node reports it its own way.
      return originalCompile.call(this, content, filename)
    }
    if (cachedData === undefined || script.cachedDataRejected === true) changed = true
    compiled.set(filename, {hash, script})
    const fn = script.runInThisContext({displayErrors: true}) as (...args: unknown[]) => unknown
    const mod = this
    const moduleRequire = Object.assign((id: string) => mod.require(id), {
      resolve: Object.assign((request: string, options?: unknown) => Module._resolveFilename(request, mod, false, options), {
        paths: (request: string) => Module._resolveLookupPaths(request, mod),
      }),
      main: require.main,
      extensions: Module._extensions,
      cache: Module._cache,
    })
    return fn.call(mod.exports, mod.exports, moduleRequire, mod, filename, dirname(filename))
  }

  // Before a V8 flag changes mid-run (http.ts, --liftoff-only), what was compiled so far must keep
  // data made under the flags in force when the next run compiles it; otherwise V8 would reject
  // it next time and every run would rewrite the cache. When all of it came from the cache, the
  // stored data is that (and nothing is serialised on the way to a request); else it is taken now.
  const settled = new Map<string, Buffer>()
  let storedBeforeFlag: Set<string> | undefined
  process.once(SETTLE_COMPILE_CACHE, () => {
    if (!changed) storedBeforeFlag = new Set(compiled.keys())
    else for (const [filename, {script}] of compiled) settled.set(filename, script.createCachedData())
  })

  process.once('exit', () => {
    if (!changed) return
    try {
      // Re-serialise what this run compiled (with the functions it ran, which V8 compiles
      // lazily) and keep the entries of files other commands load.
      const out = new Map(stored)
      for (const [filename, {hash, script}] of compiled) {
        if (storedBeforeFlag?.has(filename)) continue
        out.set(filename, {hash, data: settled.get(filename) ?? script.createCachedData()})
      }
      writeBlob(dir, file, suffix, out)
    } catch {
      // A read-only or full disk: the next run compiles again.
    }
  })
}
