/**
 * `tink link connect`'s side of the browser: opening it, the page it lands on, the pasted address,
 * and the callback's checks. What is opened with and where lines go come in as arguments.
 */
import type {ChildProcess} from 'node:child_process'
import {CliError, ExitCode, usageError} from '../../errors/cli-error.js'
import type {LinkCallback} from '../../tink/link.js'
import type {CallbackPage} from '../../tink/link-callback.js'

/** Linux and the BSDs open a browser only on a display or through $BROWSER (xdg-open runs it); macOS and Windows always have one. */
export function hasDisplay(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.BROWSER)
}

/**
 * Resolves whether the opener started: false when it could not be spawned or exited with a
 * failure before handing over (xdg-open without a browser does), true once it handed over or
 * keeps running.
 */
function started(child: ChildProcess): Promise<boolean> {
  return new Promise((resolve) => {
    let spawned = false
    const settle = (ok: boolean): void => {
      clearTimeout(timer)
      resolve(ok)
    }
    // An opener still running after this is a browser starting, not a failure.
    const timer = setTimeout(() => settle(spawned), 2000)
    timer.unref()
    child.once('spawn', () => (spawned = true))
    child.once('error', () => settle(false))
    child.once('exit', (code) => settle(spawned && code === 0))
  })
}

export interface ShowUrlOptions {
  /** --no-browser: print the URL only. */
  noBrowser: boolean
  /** The environment, for whether there is a display to open a browser on. */
  env: NodeJS.ProcessEnv
  /** A line for people (stderr). */
  note: (line: string) => void
  /** Starts the opener (the `open` package by default). */
  open?: (url: string) => Promise<ChildProcess>
}

/** Opens the URL in a browser when there is one and says so only when one started; the URL is printed either way. */
export async function showUrl(url: string, o: ShowUrlOptions): Promise<void> {
  if (o.noBrowser) o.note('Open this Tink Link URL in a browser:')
  else if (!hasDisplay(o.env)) o.note('No display to open a browser on: open this Tink Link URL in a browser yourself:')
  else {
    let opened = false
    try {
      const open = o.open ?? (await import('open')).default
      opened = await started(await open(url))
    } catch {
      opened = false
    }
    o.note(opened ? 'Opened Tink Link in your browser. If nothing shows, go to:' : 'Could not start a browser: open this Tink Link URL yourself:')
  }
  o.note(url)
}

/**
 * The address the browser ended on, from `paste` (a terminal prompt, which shows `validate`'s
 * answer until the address has a query, or a line on stdin).
 */
export async function pastedCallback(paste: (validate: (v: string) => string | true) => Promise<string>): Promise<URLSearchParams> {
  const validate = (v: string): string | true => {
    try {
      return parsePasted(v) ? true : 'Paste the whole address from the browser, with its ?query'
    } catch {
      return 'That is not an address'
    }
  }
  const q = parsePasted(await paste(validate))
  if (!q) throw usageError('The pasted address has no Tink Link answer (no ?query)', 'Paste the whole address from the browser bar after Tink Link redirected')
  return q
}

function parsePasted(text: string): URLSearchParams | undefined {
  const t = text.trim()
  const query = /^[a-z][a-z0-9+.-]*:/i.test(t) ? new URL(t).search : t.startsWith('?') ? t : ''
  const q = new URLSearchParams(query)
  return [...q.keys()].length ? q : undefined
}

export function callbackPage(cb: LinkCallback, state: string): CallbackPage {
  if (cb.state !== state)
    return {
      status: 400,
      title: 'Refused',
      text: 'This answer does not belong to the tink command that is waiting (state mismatch). Nothing was exchanged; you can close this tab.',
    }
  if (cb.error)
    return {
      status: 200,
      title: 'Tink Link did not connect',
      text: `${cb.error.error}: ${cb.error.message ?? ''} The terminal has the details; you can close this tab.`,
    }
  return {status: 200, title: 'Connected', text: 'Back in the terminal, tink is finishing. You can close this tab.'}
}

/** Refuses a foreign callback, and turns a Tink Link error into its exit code. */
export function checkCallback(cb: LinkCallback, state: string): void {
  if (cb.state !== state) {
    throw new CliError('Refused the Tink Link callback: its state does not match the one this command sent; nothing was exchanged', {
      exitCode: ExitCode.LINK_FAILED,
      code: 'state_mismatch',
      hint: 'Run tink link connect again and finish in the browser it opens (an old tab or another run answered)',
    })
  }
  const e = cb.error
  if (e) {
    const parts = [
      `error=${e.error}`,
      e.errorReason && `error_reason=${e.errorReason}`,
      e.message && `message="${e.message}"`,
      e.trackingId && `tracking_id=${e.trackingId}`,
      e.paymentRequestId && `payment_request_id=${e.paymentRequestId}`,
    ].filter(Boolean)
    throw new CliError(`Tink Link: ${parts.join(' ')}`, {
      exitCode: e.error === 'USER_CANCELLED' ? ExitCode.LINK_CANCELLED : ExitCode.LINK_FAILED,
      code: e.error,
      requestId: undefined,
      hint: e.error === 'USER_CANCELLED' ? 'The customer cancelled; run again to retry' : 'Give the tracking_id to Tink support if it persists',
    })
  }
  if (!cb.credentialsId && !cb.code && !cb.report)
    throw new CliError('The Tink Link callback has no code, credentials_id or report id', {exitCode: ExitCode.LINK_FAILED, code: 'link_failed'})
}
