/**
 * Everything a command prints goes through here: one JSON document (or NDJSON lines) on stdout
 * for machines, human text on stdout, messages on stderr. Colour follows the stream: none when
 * it is not a TTY, NO_COLOR and FORCE_COLOR honoured.
 */
import type {Writable} from 'node:stream'
import type {ChalkInstance} from 'chalk'

type Stream = Writable & {isTTY?: boolean}

export function writeJson(stream: Stream, value: unknown): void {
  stream.write(JSON.stringify(value, null, 2) + '\n')
}


export function useColor(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  return Boolean(stream.isTTY) && env.TERM !== 'dumb'
}

export type Style = 'red' | 'yellow' | 'green' | 'dim' | 'bold'

let chalk: ChalkInstance | undefined

/**
 * Loads chalk when this process's stdout or stderr can show colour (everything tink prints goes
 * to those): chalk and its colour detection take about 8 ms, a tenth of a scripted call. Each
 * entry point awaits this before printing anything (chalk is an ES module, so loading is async).
 */
export async function prepareColor(): Promise<void> {
  if (!chalk && (useColor(process.stdout) || useColor(process.stderr))) chalk = new (await import('chalk')).Chalk({level: 1})
}

/** chalk, when the stream it is about to write to shows colour (stdout and stderr differ). */
export function paint(stream: Stream, style: Style, text: string, env: NodeJS.ProcessEnv = process.env): string {
  return chalk && useColor(stream, env) ? chalk[style](text) : text
}

/** "key: value" lines, aligned, for human output of a flat object. */
export function formatFields(fields: Array<[string, string | number | boolean | undefined]>): string {
  const rows = fields.filter((f): f is [string, string | number | boolean] => f[1] !== undefined)
  const width = Math.max(0, ...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `${(k + ':').padEnd(width + 1)} ${v}`).join('\n')
}

/** Human rendering of a token response (token get, grant create --exchange). */
export function formatToken(token: {[key: string]: unknown}): string {
  const keys = ['access_token', 'token_type', 'scope', 'expires_in', 'expires_at', 'refresh_token', 'id_hint']
  return formatFields(keys.map((k) => [k, token[k] === undefined || token[k] === null ? undefined : String(token[k])]))
}
