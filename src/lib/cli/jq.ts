/**
 * --jq: jq itself (jqlang/jq compiled to WebAssembly, the `jq-wasm` package: no binary to
 * download, nothing to install beside npm), loaded only when --jq is given. Output as gh prints
 * it: a string raw, any other value as compact JSON, one result a line.
 */
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'

type JqRaw = (input: string, filter: string, flags: string[]) => Promise<string>

let jq: Promise<JqRaw> | undefined

function load(): Promise<JqRaw> {
  jq ??= import('jq-wasm').then((m) => m.raw)
  return jq
}

/** jq's own message, without its "jq: error:" prefix, its count of errors and its shell-quoting hint. */
function jqMessage(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/^Failed to execute raw query: /, '')
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^jq: \d+ compile errors?$/.test(l))
    .map((l) => l.replace(/^jq: error(?: \(at [^)]*\))?: /, '').replace(/ \(Unix shell quoting issues\?\)/, ''))
    .join(' ')
    .trim()
}

/** Compiles `expr` without running it (jq given no input runs nothing), so a bad expression is a usage error before any request. */
export async function checkJq(expr: string): Promise<void> {
  const raw = await load()
  try {
    await raw('', expr, ['-c'])
  } catch (err) {
    throw usageError(`Invalid --jq expression: ${jqMessage(err)}`, "See jq's manual (jqlang.org/manual); quote the expression in single quotes")
  }
}

/** The lines `expr` makes of `value`: strings raw, other values compact JSON. */
export async function runJq(expr: string, value: unknown): Promise<string[]> {
  const raw = await load()
  let out: string
  try {
    out = await raw(JSON.stringify(value) ?? 'null', expr, ['-c'])
  } catch (err) {
    throw new CliError(`--jq failed on the answer: ${jqMessage(err)}`, {
      exitCode: ExitCode.USAGE,
      code: 'jq_error',
      hint: 'The command itself succeeded; run it with --json to see the answer',
    })
  }
  // Compact JSON holds no raw newline, so each line is one result.
  return out === ''
    ? []
    : out.split('\n').map((line) => {
        const v: unknown = JSON.parse(line)
        return typeof v === 'string' ? v : line
      })
}
