/**
 * Safe open of a bulk input: a path or "-" (stdin). Anything that is not a regular file (a folder,
 * a FIFO, a device) is refused by name before it is opened, so nothing hangs or reads forever, and
 * every failure is one line with exit 2 before any request. Also the byte scan that counts rows.
 */
import {constants, createReadStream, statSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {extname} from 'node:path'
import type {Readable} from 'node:stream'
import {CliError, ExitCode} from '../../errors/cli-error.js'
import type {InputFormat} from './raw-row.js'

/** `--format` wins; else the file extension; else (stdin, odd names) the first character decides. */
export function formatFromName(file: string, explicit?: string): InputFormat | undefined {
  if (explicit) return explicit === 'ndjson' ? 'ndjson' : 'csv'
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  return undefined
}

export function unreadable(file: string, why: string): CliError {
  return new CliError(`Cannot read --file ${file}: ${why}`, {
    exitCode: ExitCode.USAGE,
    code: 'file_unreadable',
    hint: 'Give the path of a CSV or NDJSON file, or - for standard input',
  })
}

/** What kind of thing `path` is when it is not a regular file ('a folder', 'a named pipe (FIFO)'...). */
function notRegular(path: string): string | undefined {
  let st
  try {
    st = statSync(path)
  } catch {
    return undefined // the open that follows says why (no such file, permission denied)
  }
  if (st.isFile()) return undefined
  if (st.isDirectory()) return 'it is a folder'
  if (st.isFIFO()) return 'it is a named pipe (FIFO), not a regular file; pipe it into --file - instead'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file'
  return 'it is not a regular file'
}

/** The readable for PATH, or stdin for "-"; a file that cannot be opened is exit 2 before anything is sent. */
export async function openStream(file: string, stdin: Readable): Promise<Readable> {
  if (file === '-') return stdin
  try {
    // Asked before opening: opening a FIFO waits for a writer, and a device (/dev/zero) never ends.
    const why = notRegular(file)
    if (why) throw unreadable(file, why)
    // O_NONBLOCK: a FIFO put in its place since the check still cannot hang the open.
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
    const again = (await handle.stat()).isFile()
    if (!again) {
      await handle.close()
      throw unreadable(file, 'it is not a regular file')
    }
    return handle.createReadStream({autoClose: true, highWaterMark: 64 * 1024})
  } catch (err) {
    if (err instanceof CliError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw unreadable(
      file,
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String((err as Error).message),
    )
  }
}

/**
 * Data lines in a file (non-blank lines, minus the header for CSV): the progress total and the
 * count the delete prompt shows. A byte scan, so it costs milliseconds even for 100,000 rows.
 */
export async function countRows(file: string, explicitFormat?: string): Promise<number> {
  let count = 0
  let inLine = false
  let blank = true
  let firstByte: number | undefined
  const why = notRegular(file)
  if (why) throw unreadable(file, why)
  const stream = createReadStream(file, {highWaterMark: 256 * 1024})
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer
      for (let i = 0; i < buf.length; i++) {
        const b = buf[i]
        if (b === 10) {
          if (inLine && !blank) count++
          inLine = false
          blank = true
        } else {
          inLine = true
          if (b !== 13 && b !== 32 && b !== 9) {
            blank = false
            firstByte ??= b
          }
        }
      }
    }
  } catch (err) {
    await openStream(file, process.stdin) // the same one-line error as a real read
    throw err
  }
  if (inLine && !blank) count++
  const format = formatFromName(file, explicitFormat) ?? (firstByte === 0x7b ? 'ndjson' : 'csv')
  return format === 'csv' ? Math.max(0, count - 1) : count
}
