/**
 * Where tink writes its own files (config.json, the secrets file, the locks, a new --journal), a
 * symbolic link is refused by name instead of followed or replaced: one planted there (by another
 * user, a restored cache, a mistaken dotfile setup) would make tink write its profiles or secrets
 * into, or chmod, whatever file the link points at.
 */
import {constants, lstatSync, openSync, statSync} from 'node:fs'
import {refuseLink, writeFileAtomic} from './atomic-write.cjs'
import {CliError, ExitCode} from '../errors/cli-error.js'

/** The one-line error for a link where tink writes (exit 2: a file the user fixes). */
export function linkRefused(path: string, what: string): CliError {
  return new CliError(`${what} ${path} is a symbolic link; tink does not write through links`, {
    exitCode: ExitCode.USAGE,
    code: 'symlink_refused',
    hint: `Remove the link (rm ${path}) and run the command again, or set TINK_CONFIG_DIR to a folder of your own`,
  })
}

/** Throws linkRefused when `path` is a symbolic link. */
export function checkNotLink(path: string, what: string): void {
  try {
    refuseLink(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESYMLINK') throw linkRefused(path, what)
    throw err
  }
}

/** writeFileAtomic, with a link at `path` refused as linkRefused. */
export function writeFileNoLink(path: string, data: string | Uint8Array, what: string, mode = 0o600): void {
  try {
    writeFileAtomic(path, data, mode)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESYMLINK') throw linkRefused(path, what)
    throw err
  }
}

/**
 * Opens a file the user named for appending (read and write), creating it 0600 when missing.
 * A link the user made to a file that holds something (a journal of an earlier run) is followed:
 * the path is theirs to choose. A link whose target is missing or empty is refused: tink would
 * create, or write a first line into, a file it never chose.
 */
export function openAppend(path: string): number {
  let st
  try {
    st = lstatSync(path)
  } catch {
    // 'wx' semantics (O_EXCL): a link planted between the check and the open is refused by the OS.
    return openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL, 0o600)
  }
  if (st.isSymbolicLink()) {
    let target
    try {
      target = statSync(path)
    } catch {
      throw Object.assign(new Error('it is a symbolic link to a file that does not exist, which tink would create'), {code: 'ESYMLINK'})
    }
    if (target.isFile() && target.size === 0)
      throw Object.assign(new Error('it is a symbolic link to an empty file, which tink would write a new journal into'), {code: 'ESYMLINK'})
  }
  return openSync(path, 'a+', 0o600)
}
