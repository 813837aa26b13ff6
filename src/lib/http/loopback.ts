/**
 * The one loopback test of the CLI: 127.0.0.0/8, ::1 and localhost (as Go's and curl's proxy
 * rules treat it). Plain http is allowed there without --allow-insecure-http, requests there never
 * go through a proxy, and `tink link connect` listens there itself.
 */
import {isIPv4} from 'node:net'

/** `host` as a URL's hostname gives it (IPv6 in brackets or not, any case, a trailing dot). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
  if (h === 'localhost') return true
  if (isIPv4(h)) return h.split('.')[0] === '127'
  // ::1 in any spelling URL parsing leaves (it normalises [0:0:0:0:0:0:0:1] to [::1]).
  return h === '::1'
}
