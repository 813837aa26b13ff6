/**
 * The users a bulk run knows by row key: the line of this run's file that named each first (what
 * finds a duplicate row), and, when resuming, the status an earlier run's journal recorded for it
 * with the byte offset of that journal line (the user_id is read back from there when the row is
 * reported). A Map of the ids held about 110 bytes a row and, at a million rows, kept the heap
 * above the collector's limit for the whole run; this keeps typed arrays outside the JS heap: a
 * 64-bit digest, a line, a state byte and (with a journal) an offset, about 42 bytes a row at most.
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

export class SeenUsers {
  private hi = new Uint32Array(INITIAL_SLOTS)
  private lo = new Uint32Array(INITIAL_SLOTS)
  /** First line of the key in this run's file; 0 = not seen in this run yet (lines start at 1). */
  private line = new Int32Array(INITIAL_SLOTS)
  private state = new Uint8Array(INITIAL_SLOTS)
  /** Byte offset of the journal line that settled the key; allocated only when a journal is read. */
  private offset?: Float64Array
  private count = 0

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
    if (code !== 0) (this.offset ??= new Float64Array(this.state.length))[at] = journalOffset
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

  /** The slot of `key`, taken for it when it was not there yet. */
  private claim(key: string): number {
    const [hi, lo] = digest(key)
    let at = this.slot(hi, lo)
    if (this.state[at] !== 0) return at
    this.hi[at] = hi
    this.lo[at] = lo
    this.state[at] = USED
    if (++this.count * 2 > this.state.length) {
      this.grow()
      at = this.slot(hi, lo)
    }
    return at
  }

  /** Open addressing, linear probing: the slot holding (hi, lo), or the empty slot where it belongs. */
  private slot(hi: number, lo: number): number {
    const mask = this.state.length - 1
    let i = lo & mask
    while (this.state[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask
    return i
  }

  private grow(): void {
    const {hi, lo, line, state, offset} = this
    const size = state.length * 2
    this.hi = new Uint32Array(size)
    this.lo = new Uint32Array(size)
    this.line = new Int32Array(size)
    this.state = new Uint8Array(size)
    this.offset = offset ? new Float64Array(size) : undefined
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
