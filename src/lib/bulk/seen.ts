/**
 * The users a bulk file has named so far, and the line that named each first: what finds a
 * duplicate row. A Map of the ids themselves held about 110 bytes a row (the key, the Map entry,
 * and the CSV text the id was sliced from), so 100,000 rows kept 11 MB alive and V8 let the heap
 * grow with it; this keeps a 64-bit digest and a line number, about 24 bytes a row at most.
 *
 * Two different ids could share a digest (for 100,000 ids, a chance of about 3 in 10 billion):
 * the later one would then be reported invalid as a duplicate and not sent, never sent twice.
 */
export class SeenUsers {
  private hi = new Uint32Array(1024)
  private lo = new Uint32Array(1024)
  /** First line of the entry in each slot; 0 = empty (file lines start at 1). */
  private line = new Int32Array(1024)
  private count = 0

  /** The first line that named `key`; when none has, records `line` as that and returns undefined. */
  firstLine(key: string, line: number): number | undefined {
    const [hi, lo] = digest(key)
    const found = this.slot(hi, lo)
    if (this.line[found] !== 0) return this.line[found]
    this.hi[found] = hi
    this.lo[found] = lo
    this.line[found] = line
    if (++this.count * 2 > this.line.length) this.grow()
    return undefined
  }

  get size(): number {
    return this.count
  }

  /** Open addressing, linear probing: the slot holding (hi, lo), or the empty slot where it belongs. */
  private slot(hi: number, lo: number): number {
    const mask = this.line.length - 1
    let i = lo & mask
    while (this.line[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & mask
    return i
  }

  private grow(): void {
    const {hi, lo, line} = this
    this.hi = new Uint32Array(line.length * 2)
    this.lo = new Uint32Array(line.length * 2)
    this.line = new Int32Array(line.length * 2)
    for (let i = 0; i < line.length; i++) {
      if (line[i] === 0) continue
      const to = this.slot(hi[i], lo[i])
      this.hi[to] = hi[i]!
      this.lo[to] = lo[i]!
      this.line[to] = line[i]!
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
