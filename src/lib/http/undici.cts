/**
 * Loads undici's public entry (the package exports only its index) for the HTTP client, at the
 * first request: commands that send nothing never load it.
 */
import type * as Undici from 'undici'

let undici: typeof Undici | undefined

export function loadUndici(): typeof Undici {
  undici ??= require('undici') as typeof Undici
  return undici
}
