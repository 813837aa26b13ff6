/**
 * The lock that serialises read-modify-write of tink's files (profiles, the file secret store)
 * between concurrent runs.
 */
import {closeSync, lstatSync, openSync, readFileSync, statSync, unlinkSync, writeSync} from 'node:fs'
import {CliError, ExitCode} from '../errors/cli-error.js'
import {linkRefused} from './safe-file.js'

/** A lock older than this is from a run that died holding it (a write takes milliseconds). */
const STALE_LOCK_MS = 10_000
const LOCK_WAIT_MS = 15_000

/**
 * An exclusive lock file (O_EXCL create) holding the owner's pid. A lock whose owner is gone, or
 * that is older than STALE_LOCK_MS, is stale and taken over.
 */
export async function acquireLock(path: string): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => {
        try {
          unlinkSync(path)
        } catch {
          // already gone
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    // A link is no lock of ours: never taken over (that would delete it) nor waited on.
    if (isLink(path)) throw linkRefused(path, 'The lock file')
    if (lockIsStale(path)) {
      try {
        unlinkSync(path)
      } catch {
        // another run took it over first
      }
      continue
    }
    if (Date.now() > deadline) {
      throw new CliError(`The file is locked by another tink run (${path})`, {
        exitCode: ExitCode.UNAVAILABLE,
        code: 'config_locked',
        hint: `Wait for the other run to finish; if none is running, remove ${path}`,
      })
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30))
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink()
  } catch {
    return false
  }
}

function lockIsStale(path: string): boolean {
  try {
    const age = Date.now() - statSync(path).mtimeMs
    if (age > STALE_LOCK_MS) return true
    const pid = Number(readFileSync(path, 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) return age > 1_000 // a lock still being written has no pid yet
    try {
      process.kill(pid, 0)
      return false
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH'
    }
  } catch {
    return false // gone already: the next create attempt decides
  }
}
