/**
 * Loads undici's public entry (the package exports only its index) for the HTTP client, at the
 * first request: commands that send nothing never load it.
 *
 * The index reads `globalThis.Headers` once at load, so that its cookie helpers (getCookies,
 * setCookie) also accept Node's own Headers objects. Node defines that global lazily: the first
 * read compiles and runs Node's bundled copy of undici, a second HTTP stack the CLI never uses.
 * The global is hidden for the duration of this one synchronous require and put back as it was;
 * the only effect is that undici's cookie helpers, which tink does not call, do not know Node's
 * Headers class.
 */
import type * as Undici from 'undici'

let undici: typeof Undici | undefined

export function loadUndici(): typeof Undici {
  if (undici) return undici
  const headers = Object.getOwnPropertyDescriptor(globalThis, 'Headers')
  // Only Node's lazy accessor is worth hiding: a value someone already read (or set) stays.
  const lazy = headers?.get !== undefined && headers.configurable === true
  if (lazy) Object.defineProperty(globalThis, 'Headers', {value: undefined, configurable: true, writable: true, enumerable: headers.enumerable})
  try {
    undici = require('undici') as typeof Undici
  } finally {
    if (lazy) Object.defineProperty(globalThis, 'Headers', headers)
  }
  return undici
}
