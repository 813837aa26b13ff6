/**
 * Everything a command prints goes through here: one JSON document (or NDJSON lines) on stdout
 * for machines, human text on stdout, messages on stderr. Colour follows the stream: none when
 * it is not a TTY, NO_COLOR and FORCE_COLOR honoured.
 */
import type {Writable} from 'node:stream'
import type {ChalkInstance} from 'chalk'

type Stream = Writable & {isTTY?: boolean}

/**
 * Text tink did not write (a server's error message or code, an HTML excerpt, a value from an
 * input file) must not drive the terminal: clear the screen, retitle the window, hide text or
 * fake a prompt. Escape sequences (CSI, OSC, DCS and friends) are dropped whole; any other C0/C1
 * control character (and DEL) is shown as a visible code point, so nothing disappears silently.
 * Newlines and tabs stay: tink's own multi-line output is made of them.
 */
export function sanitizeForTerminal(text: string): string {
  return (
    text
      // OSC/DCS/SOS/PM/APC strings up to their terminator (BEL or ST), then CSI sequences, then other ESC pairs.
      // eslint-disable-next-line no-control-regex -- terminal escapes are what is removed
      .replace(/(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g, '')
      // eslint-disable-next-line no-control-regex -- terminal escapes are what is removed
      .replace(/(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g, '')
      // eslint-disable-next-line no-control-regex -- terminal escapes are what is removed
      .replace(/\u001b[ -/]*[0-~]?/g, '')
      // eslint-disable-next-line no-control-regex -- terminal escapes are what is removed
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  )
}

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
 * Loads chalk when the run's stdout or stderr can show colour (everything tink prints goes to
 * those), so a scripted run never loads it. Each entry point awaits this before printing
 * anything (chalk is an ES module, so loading is async).
 */
export async function prepareColor(io: {stdout: Stream; stderr: Stream; env: NodeJS.ProcessEnv}): Promise<void> {
  if (!chalk && (useColor(io.stdout, io.env) || useColor(io.stderr, io.env))) chalk = new (await import('chalk')).Chalk({level: 1})
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
  return formatFields(keys.map((k) => [k, token[k] === undefined || token[k] === null ? undefined : String(token[k] as string | number | boolean)]))
}

/** What a command prints, by kind: human output on stdout (none with --json), messages on stderr, traces with --verbose. */
export class Printer {
  constructor(
    private readonly io: {stdout: Stream; stderr: Stream; env: NodeJS.ProcessEnv},
    private readonly json: boolean,
    private readonly verbose: boolean,
  ) {}

  trace(line: string): void {
    if (this.verbose) this.io.stderr.write(sanitizeForTerminal(line) + '\n')
  }

  /** Human output on stdout (suppressed with --json: the returned value is printed instead). */
  out(text: string): void {
    if (!this.json) this.io.stdout.write(sanitizeForTerminal(text) + '\n')
  }

  /** Messages for people: always stderr, never mixed into machine output. */
  note(text: string): void {
    this.io.stderr.write(sanitizeForTerminal(text) + '\n')
  }

  warnLine(text: string): void {
    this.io.stderr.write(paint(this.io.stderr, 'yellow', 'Warning: ', this.io.env) + sanitizeForTerminal(text) + '\n')
  }
}
