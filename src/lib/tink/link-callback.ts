/**
 * The loopback end of a Tink Link redirect: a node:http listener on the redirect URI's own host,
 * port and path that takes the first request to that path, answers the browser with the page the
 * caller gives, and stops listening. Other paths (the browser's /favicon.ico) get a 404 and do
 * not count.
 */
import {createServer, type Server} from 'node:http'
import {CliError, ExitCode, interrupted} from '../errors/cli-error.js'

export interface CallbackPage {
  status: number
  title: string
  text: string
}

export interface CallbackListener {
  /** The first callback's query, once the browser has its answer. */
  next(opts: {signal: AbortSignal; waitSeconds: number}): Promise<URLSearchParams>
  close(): Promise<void>
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function html(page: CallbackPage): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title></head><body><h1>${esc(page.title)}</h1><p>${esc(page.text)}</p></body></html>`
}

/** Listens on `redirect` (a loopback http URL); `answer` decides the page for a callback's query. */
export async function listenForCallback(redirect: URL, answer: (q: URLSearchParams) => CallbackPage): Promise<CallbackListener> {
  const host = redirect.hostname.replace(/^\[|\]$/g, '')
  const port = redirect.port ? Number(redirect.port) : 80
  let deliver: ((q: URLSearchParams) => void) | undefined
  let received: URLSearchParams | undefined
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', redirect)
    if (url.pathname !== redirect.pathname || received) {
      res.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('Not found\n')
      return
    }
    received = url.searchParams
    const page = answer(url.searchParams)
    res.writeHead(page.status, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close'})
    res.end(html(page), () => deliver?.(url.searchParams))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${port} is in use`
          : err.code === 'EACCES'
            ? `no permission to listen on port ${port}`
            : err.code === 'EADDRNOTAVAIL'
              ? `this machine has no address ${host}`
              : err.message
      reject(
        new CliError(`Cannot listen on ${redirect.origin} for the Tink Link callback: ${why}`, {
          exitCode: ExitCode.UNAVAILABLE,
          code: 'callback_listen_failed',
          hint: 'Stop what uses it, or pass --redirect-uri with another free port (it must be registered for your app; the emulator accepts any loopback port)',
          cause: err,
        }),
      )
    })
    server.listen(port, host, () => resolve())
  })

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })

  return {
    close,
    next({signal, waitSeconds}) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            finish(
              new CliError(`No Tink Link callback within ${waitSeconds} s`, {
                exitCode: ExitCode.LINK_TIMEOUT,
                code: 'link_timeout',
                hint: 'Run again and finish in the browser sooner, or give more time with --wait SECONDS',
              }),
            ),
          waitSeconds * 1000,
        )
        const onAbort = (): void => finish(interrupted())
        const finish = (outcome: URLSearchParams | CliError): void => {
          clearTimeout(timer)
          signal.removeEventListener('abort', onAbort)
          deliver = undefined
          void close().then(() => (outcome instanceof CliError ? reject(outcome) : resolve(outcome)))
        }
        if (signal.aborted) return finish(interrupted())
        signal.addEventListener('abort', onAbort, {once: true})
        deliver = (q) => finish(q)
        if (received) finish(received)
      })
    },
  }
}
