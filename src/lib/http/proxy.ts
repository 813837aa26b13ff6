/**
 * Which connection a request takes: loopback targets always directly (http/loopback.ts), others
 * through HTTP(S)_PROXY unless NO_PROXY lists them (undici's EnvHttpProxyAgent, given the run's
 * own environment). A proxy that drops the tunnel makes undici reconnect at once, forever; the
 * first such drop is recorded and the proxied connections destroyed, so the attempt fails as a
 * proxy failure and the retry policy decides what happens next.
 */
import type {Dispatcher} from 'undici'
import {shownProxy} from './failure.js'
import {isLoopbackHost} from './loopback.js'
import type * as Undici from 'undici'

export interface ProxySettings {
  httpProxy: string
  httpsProxy: string
  noProxy: string
}

/** http_proxy / https_proxy / no_proxy of `env`, lowercase first (as curl and undici read them). */
export function proxyFromEnv(env: NodeJS.ProcessEnv): ProxySettings {
  return {
    httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
    httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
    noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
  }
}

export interface ProxyTrouble {
  /** The proxy, without credentials. */
  proxy: string
  code: string
  detail: string
}

export class Dispatchers {
  private direct?: Dispatcher
  private proxied?: Dispatcher
  /** Proxy failures so far: an attempt compares the count before and after. */
  failures = 0
  last?: ProxyTrouble

  constructor(
    private readonly undici: typeof Undici,
    private readonly agentOptions: Undici.Agent.Options & {requestTls?: object; proxyTls?: object},
    private readonly proxy: ProxySettings,
  ) {}

  /** The dispatcher for `url`, and the proxy it goes through (shown form), if any. */
  for(url: URL): {dispatcher: Dispatcher; proxy?: string} {
    if (isLoopbackHost(url.hostname)) return {dispatcher: (this.direct ??= new this.undici.Agent(this.agentOptions))}
    const via = url.protocol === 'https:' ? this.proxy.httpsProxy || this.proxy.httpProxy : this.proxy.httpProxy
    this.proxied ??= this.proxyAgent()
    return {dispatcher: this.proxied, proxy: via && !this.bypassed(url) ? shownProxy(via) : undefined}
  }

  /** NO_PROXY as undici reads it (host suffixes, an optional port, "*"): only to name the proxy in messages. */
  private bypassed(url: URL): boolean {
    const list = this.proxy.noProxy.split(/[,\s]+/).filter(Boolean)
    const host = url.hostname.toLowerCase()
    return list.some((entry) => {
      if (entry === '*') return true
      const [name, port] = entry
        .toLowerCase()
        .replace(/^\*?\.?/, '')
        .split(/:(?=\d+$)/)
      if (port && port !== (url.port || (url.protocol === 'https:' ? '443' : '80'))) return false
      return host === name || host.endsWith('.' + name)
    })
  }

  private proxyAgent(): Dispatcher {
    const onTrouble = (proxyUrl: URL, err: Error & {code?: string}): void => {
      this.failures++
      this.last = {proxy: shownProxy(proxyUrl.href), code: err.code ?? 'proxy error', detail: err.message}
    }
    const agent: Dispatcher = new this.undici.EnvHttpProxyAgent({
      ...this.agentOptions,
      // Explicit values (possibly empty): undici would otherwise read process.env, not the run's environment.
      ...this.proxy,
      clientFactory: (proxyUrl: URL, opts: object) => {
        const pool = new this.undici.Pool(proxyUrl, opts)
        pool.on('connectionError', (_origin, _targets, err) => onTrouble(proxyUrl, err))
        // Every good tunnel leaves its proxy connection with an "upgrade"; anything else is the
        // proxy hanging up on the CONNECT, which undici would retry in a tight loop.
        pool.on('disconnect', (_origin, _targets, err) => {
          if ((err as {code?: string}).code === 'UND_ERR_INFO') return
          onTrouble(proxyUrl, err)
          if (this.proxied === agent) this.proxied = undefined
          agent.destroy().catch(() => undefined)
        })
        return pool
      },
    })
    return agent
  }

  async close(): Promise<void> {
    const all = [this.direct, this.proxied].filter((d): d is Dispatcher => d !== undefined)
    this.direct = this.proxied = undefined
    await Promise.all(all.map((d) => d.close().catch(() => undefined)))
  }

  destroy(): void {
    for (const d of [this.direct, this.proxied]) d?.destroy().catch(() => undefined)
    this.direct = this.proxied = undefined
  }

  /** The live dispatchers (close() needs them to wait for, or destroy after a grace). */
  live(): Dispatcher[] {
    return [this.direct, this.proxied].filter((d): d is Dispatcher => d !== undefined)
  }
}
