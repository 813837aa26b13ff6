/**
 * Ctrl-C or SIGTERM as a run sees it: one AbortSignal for everything in flight, and which of the
 * two came first (`tink emulator start` stops cleanly, exit 0, on SIGTERM; a command at work is
 * interrupted, 130). The base command fires it; the factory hands it to the body.
 */
export class Interrupt {
  private readonly controller = new AbortController()
  readonly signal = this.controller.signal
  private first?: NodeJS.Signals

  /** The signal that stopped the run, if one did. */
  get by(): NodeJS.Signals | undefined {
    return this.first
  }

  fire(by: NodeJS.Signals): void {
    this.first ??= by
    this.controller.abort()
  }
}
