/**
 * Peak memory of bulk work. Nothing a run holds grows with the file (the heap after a full
 * collection stays about 8 MB from the first row to the last), but at thousands of rows a second
 * V8 first doubles its young generation up to 16 MiB semi-spaces, then lets short-lived objects
 * into the old generation and collects that rarely: peak RSS rose from 69 MiB for 1,000 rows to
 * 110-120 MiB for 100,000. Two measures keep the peak near the small run's (about 1.4x):
 * BULK_V8_FLAGS (fast-plan.cts), set by bin/run.cjs at start for bulk runs only, stop the young
 * generation from growing and allow full collections on demand; and this guard runs one whenever
 * the used heap passes a soft limit. Measured on 100,000 rows: no slower.
 *
 * Without --expose-gc (the engine run in process by tests, or through oclif) this does nothing.
 */
import {getHeapStatistics} from 'node:v8'
import {runInNewContext} from 'node:vm'

/** Used heap above which a full collection runs: a few times what a run holds alive. */
const SOFT_LIMIT_BYTES = 32 * 1024 * 1024
/** Rows between looks at the heap (a look costs about a microsecond). */
const EVERY_ROWS = 500

export class HeapGuard {
  private readonly gc?: () => void

  constructor() {
    try {
      // With --expose-gc a new context has gc(); the function collects the whole process heap.
      const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined')
      if (typeof gc === 'function') this.gc = gc as () => void
    } catch {
      // no gc(): nothing to do
    }
  }

  /** Called as each row finishes, with the number finished so far. */
  afterRow(finished: number): void {
    if (!this.gc || finished % EVERY_ROWS !== 0) return
    if (getHeapStatistics().used_heap_size >= SOFT_LIMIT_BYTES) this.gc()
  }
}
