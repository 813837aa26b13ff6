/**
 * Rows handed from the source to the workers: the input is read one row at a time, whatever the
 * concurrency, and each row goes to the worker that has waited longest. Not one next() per worker:
 * an async generator queues the next() calls it has not answered yet in a chain of requests it
 * never unlinks, each holding its answer (the row, its fields, its strings), so once a request of
 * the chain lived through a young-generation collection, every later row was dragged into the old
 * generation after it and the heap grew with the file.
 */
import type {RawRow} from './source/raw-row.js'

export class RowFeed {
  private readonly iterator: AsyncIterator<RawRow>
  /** Workers waiting for their next row, in the order they asked. */
  private readonly waiting: Array<{resolve: (value: IteratorResult<RawRow>) => void; reject: (err: unknown) => void}> = []
  /** A read of the input not answered yet: at most one (a race lost to a stop leaves it behind). */
  reading = false
  /** Rows read after every waiting worker had been released: not taken, so not processed. */
  private unclaimed = 0

  constructor(rows: AsyncIterable<RawRow>) {
    this.iterator = rows[Symbol.asyncIterator]()
  }

  /** The next row for a worker; done when the input ends or the feed was stopped. */
  take(): Promise<IteratorResult<RawRow>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({resolve, reject})
      this.read()
    })
  }

  /** Ends every wait for a row: from a pipe that stays open the next one might never come. */
  release(): void {
    for (const w of this.waiting.splice(0)) w.resolve({done: true, value: undefined})
  }

  /** Reads the rest of the input without acting on it, counting its rows (undefined when it fails). */
  async countRest(): Promise<number | undefined> {
    let n = 0
    try {
      for (;;) {
        const next = await this.iterator.next()
        if (next.done) return n + this.unclaimed
        n++
      }
    } catch {
      return undefined
    }
  }

  /**
   * Closes the source. A generator still waiting for its next line cannot be closed until that line
   * comes (never, from an abandoned pipe): then it is left to the process exit.
   */
  async close(): Promise<void> {
    if (!this.reading) await this.iterator.return?.(undefined)
  }

  private read(): void {
    if (this.reading || this.waiting.length === 0) return
    this.reading = true
    this.iterator.next().then(
      (next) => {
        this.reading = false
        // Nobody waits after a stop: that row is not taken.
        const w = this.waiting.shift()
        if (w) w.resolve(next)
        else if (!next.done) this.unclaimed++
        this.read()
      },
      (err: unknown) => {
        this.reading = false
        this.waiting.shift()?.reject(err)
        this.read()
      },
    )
  }
}
