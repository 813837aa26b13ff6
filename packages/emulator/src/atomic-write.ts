/**
 * The emulator's own atomic writer (it shares nothing with the CLI): write a temporary file
 * beside the target, then rename it over the target, so a crash or a full disk never leaves
 * half a state file. 'wx' makes the create exclusive; the mode is set on creation.
 */
import {randomBytes} from 'node:crypto'
import {chmodSync, closeSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs'
import {dirname} from 'node:path'

export function writeFileAtomic(path: string, data: string, mode = 0o600): void {
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  const fd = openSync(tmp, 'wx', mode)
  try {
    try {
      writeSync(fd, Buffer.from(data))
    } finally {
      closeSync(fd)
    }
    chmodSync(tmp, mode)
    renameSync(tmp, path)
  } catch (error) {
    try {
      unlinkSync(tmp)
    } catch {
      // already gone
    }
    throw error
  }
}
