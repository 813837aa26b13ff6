/**
 * Checks on the flags `user create --file` and `user delete --file` share (exit 2 on bad values,
 * before anything is read or sent). Their definitions are in ../cli/flags.ts.
 */
import {usageError} from '../errors/cli-error.js'
import type {InputFormat} from './source/index.js'

export function parseRate(value: string | undefined): number | undefined {
  if (value === undefined || value === 'off' || value === '0') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n > 100_000) throw usageError(`Invalid --rate "${value}"`, 'Give requests per second, e.g. --rate 50, or --rate off')
  return n
}

/** --delimiter: one character, or "tab"; undefined lets the header line decide. */
export function parseDelimiter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  if (value === 'tab' || value === '\\t' || value === '\t') return '\t'
  if (value === 'comma') return ','
  if (value === 'semicolon') return ';'
  if ([...value].length !== 1 || value === '"' || value === '\n' || value === '\r') {
    throw usageError(`Invalid --delimiter "${value}"`, 'Give one character such as , or ; or |, or tab')
  }
  return value
}

export function parseFormat(value: string | undefined): InputFormat | undefined {
  return value === 'csv' || value === 'ndjson' ? value : undefined
}

/** Flags of the single-user form that make no sense with --file. */
export function rejectWithFile<F extends object>(flags: F, names: Array<keyof F & string>): void {
  const given = names.filter((n) => flags[n] !== undefined)
  if (given.length > 0) throw usageError(`--${given[0]} cannot be combined with --file`, 'Put the users in the file, one per row')
}

const BULK_ONLY = ['format', 'delimiter', 'concurrency', 'rate', 'journal', 'if-exists', 'dry-run', 'adaptive'] as const

/** Bulk flags given without --file are a mistake worth saying so (they have no defaults in the parser, so given means typed). */
export function rejectWithoutFile(flags: Partial<Record<'file' | (typeof BULK_ONLY)[number], unknown>>): void {
  const used = BULK_ONLY.find((name) => flags[name] !== undefined)
  if (used !== undefined && flags.file === undefined)
    throw usageError(`--${used} needs --file`, 'Give --file PATH (or --file - for standard input) to work on many users')
}

/** The upper bound of the adaptive window (window.ts starts lower and grows). */
export const DEFAULT_CONCURRENCY = 64

/** --adaptive on|off (default on). */
export function parseAdaptive(value: string | undefined): boolean {
  return value !== 'off'
}
