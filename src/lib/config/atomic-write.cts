/**
 * The one way tink replaces a file: write a temporary file beside it, then rename it over the
 * old one, so a crash or a full disk never leaves half a file. 'wx' with the mode: the temporary
 * file never exists with wider permissions, even for a moment.
 * CommonJS that requires only Node's own modules: bin/run.cjs loads it (through the compile cache)
 * before the bundle, on every Node the CLI supports (Node 20.18 has no require() of ES modules).
 */
import {chmodSync, closeSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

/**
 * Throws (code ESYMLINK) when `path` is a symbolic link: tink never writes through a link, nor
 * replaces one, where it keeps a file (one planted there would send the write elsewhere).
 */
export function refuseLink(path: string): void {
  let link = false
  try {
    link = lstatSync(path).isSymbolicLink()
  } catch {
    return // nothing there yet
  }
  if (link) throw Object.assign(new Error(`${path} is a symbolic link`), {code: 'ESYMLINK', path})
}

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  refuseLink(path)
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  // 'wx' makes the create exclusive (it also refuses a link planted under the name); the pid and a
  // random part only keep runs, and a dead run's leftover, from choosing the same name. Not
  // node:crypto: loading it is a cost every command's start would pay, since bin/run.cjs loads
  // this module.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
  const fd = openSync(tmp, 'wx', mode)
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    } finally {
      closeSync(fd)
    }
    chmodSync(tmp, mode) // a umask can only narrow the mode; this makes it exact
    refuseLink(path) // again: one may have been planted while the file was written
    renameSync(tmp, path)
  } catch (err) {
    try {
      unlinkSync(tmp)
    } catch {
      // already gone
    }
    throw err
  }
}
