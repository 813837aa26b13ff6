/**
 * The users a bulk run knows by row key: the line of this run's file that named each first (what
 * finds a duplicate row), and, when resuming, the status an earlier run's journal recorded for it
 * with the byte offset of that journal line (the user_id is read back from there when the row is
 * reported). A Map of the ids held about 110 bytes a row and, at a million rows, kept the heap
 * above the collector's limit for the whole run; this keeps typed arrays outside the JS heap: a
 * 64-bit digest, a line, a state byte and (with a journal) a 32-bit offset (64-bit past 4 GiB), 17
 * bytes a slot, in a table sized for the rows expected.
 *
 * Two different ids could share a digest (for 1,000,000 ids, a chance of about 3 in 100 million):
 * the later one would then be reported invalid as a duplicate and not sent, never sent twice.
 */

/** Statuses a journal line can settle a row with, by their code in the state byte (1..4). */
export const DONE_CODES = ['created', 'exists', 'deleted', 'not_found'] as const
export type DoneStatus = (typeof DONE_CODES)[number]

/** State byte: bit 7 = slot in use; bits 0-2 = index + 1 into DONE_CODES (0 = not done). */
const USED = 0x80
const INITIAL_SLOTS = 1024
/**
 * Keys per slot at most. Linear probing stays short up to here, and the table is sized for the
 * rows it is told to expect rather than in powers of two: at a million rows a table twice the
 * keys (and, while it doubled, the old one beside the new) was most of the run's memory.
 */
const MAX_LOAD = 0.7
/** Journal offsets below this fit the 32-bit column; a larger journal gets 64-bit offsets. */
const OFFSET32_LIMIT = 2 ** 32

export interface SeenOptions {
  /** Keys the table should hold without growing (the rows of the file, of the journal). */
  expected?: number
  /** The largest journal offset it will be given (the journal's size when read). */
  maxOffset?: number
}

export class SeenUsers {
  private hi: Uint32Array
  private lo: Uint32Array
  /** First line of the key in this run's file; 0 = not seen in this run yet (lines start at 1). */
  private line: Int32Array
  private state: Uint8Array
  /** Byte offset of the journal line that settled the key; allocated only when a journal is read. */
  private offset?: Uint32Array | Float64Array
  private readonly wideOffsets: boolean
  private count = 0

  constructor(options: SeenOptions = {}) {
    const slots = Math.max(INITIAL_SLOTS, Math.ceil((options.expected ?? 0) / MAX_LOAD) + 1)
    this.hi = new Uint32Array(slots)
    this.lo = new Uint32Array(slots)
    this.line = new Int32Array(slots)
    this.state = new Uint8Array(slots)
    this.wideOffsets = (options.maxOffset ?? 0) >= OFFSET32_LIMIT
  }

  /** The first line that named `key`; when none has, records `line` as that and returns undefined. */
  firstLine(key: string, line: number): number | undefined {
    const at = this.claim(key)
    if (this.line[at] !== 0) return this.line[at]
    this.line[at] = line
    return undefined
  }

  /** A journal line settled `key` with `status` (or, status undefined, recorded it as not done). */
  setDone(key: string, status: DoneStatus | undefined, journalOffset: number): void {
    const at = this.claim(key)
    const code = status === undefined ? 0 : DONE_CODES.indexOf(status) + 1
    this.state[at] = USED | code
    if (code !== 0) (this.offset ??= this.offsets(this.state.length))[at] = journalOffset
  }

  /** The status and journal offset an earlier run settled `key` with, if it did. */
  done(key: string): {status: DoneStatus; offset: number} | undefined {
    const [hi, lo] = digest(key)
    const at = this.slot(hi, lo)
    const code = this.state[at] & ~USED
    if (code === 0 || !this.offset) return undefined
    return {status: DONE_CODES[code - 1], offset: this.offset[at]}
  }

  get size(): number {
    return this.count
  }

  private offsets(slots: number): Uint32Array | Float64Array {
    return this.wideOffsets ? new Float64Array(slots) : new Uint32Array(slots)
  }

  /** The slot of `key`, taken for it when it was not there yet. */
  private claim(key: string): number {
    const [hi, lo] = digest(key)
    let at = this.slot(hi, lo)
    if (this.state[at] !== 0) return at
    this.hi[at] = hi
    this.lo[at] = lo
    this.state[at] = USED
    if (++this.count > this.state.length * MAX_LOAD) {
      this.grow()
      at = this.slot(hi, lo)
    }
    return at
  }

  /**
   * Open addressing, linear probing: the slot holding (hi, lo), or the empty slot where it belongs.
   * The home slot scales `lo` to the table's size (multiply-shift), so any size works.
   */
  private slot(hi: number, lo: number): number {
    const size = this.state.length
    let i = Math.floor((lo / 2 ** 32) * size)
    while (this.state[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = i + 1 === size ? 0 : i + 1
    return i
  }

  private grow(): void {
    const {hi, lo, line, state, offset} = this
    const size = state.length * 2
    this.hi = new Uint32Array(size)
    this.lo = new Uint32Array(size)
    this.line = new Int32Array(size)
    this.state = new Uint8Array(size)
    this.offset = offset ? this.offsets(size) : undefined
    for (let i = 0; i < state.length; i++) {
      if (state[i] === 0) continue
      const to = this.slot(hi[i], lo[i])
      this.hi[to] = hi[i]!
      this.lo[to] = lo[i]!
      this.line[to] = line[i]!
      this.state[to] = state[i]!
      if (offset) this.offset![to] = offset[i]!
    }
  }
}

/** Two independent 32-bit hashes of the UTF-16 code units (murmur3-style mixing, different seeds). */
export function digest(key: string): [number, number] {
  let a = 0x9e3779b9 ^ key.length
  let b = 0x85ebca6b ^ key.length
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    a = Math.imul(a ^ c, 0xcc9e2d51)
    a = (a << 15) | (a >>> 17)
    b = Math.imul(b ^ c, 0x1b873593)
    b = (b << 13) | (b >>> 19)
    b = Math.imul(b, 5) + 0xe6546b64
  }
  return [fmix(a), fmix(b)]
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
