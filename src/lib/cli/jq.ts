/**
 * --jq: jq itself (jqlang/jq compiled to WebAssembly, the `jq-wasm` package: no binary to
 * download, nothing to install beside npm), loaded only when --jq is given. Output as gh prints
 * it: a string raw, any other value as compact JSON, one result a line. Its `inline` build carries
 * the WebAssembly inside the module, so the bundle's chunk needs no file beside it.
 */
import {CliError, ExitCode, usageError} from '../errors/cli-error.js'

type JqRaw = (input: string, filter: string, flags: string[]) => Promise<{stdout: string; stderr: string; exitCode: number}>

let jq: Promise<JqRaw> | undefined

function load(): Promise<JqRaw> {
  jq ??= import('jq-wasm/inline').then((m) => m.raw)
  return jq
}

/** jq's own message, without its "jq: error:" prefix, its count of errors and its shell-quoting hint. */
function jqMessage(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !/^jq: \d+ compile errors?$/.test(l))
  // jq 1.8 quotes the expression under a compile error, with a caret: the "jq:" lines say it all.
  const own = lines.filter((l) => l.startsWith('jq: '))
  return (own.length > 0 ? own : lines)
    .map((l) =>
      l
        .replace(/^jq: error(?: \(at [^)]*\))?: /, '')
        .replace(/ \(Unix shell quoting issues\?\)/, '')
        .replace(/, column \d+:$|:$/, ''),
    )
    .join(' ')
    .trim()
}

/** Compiles `expr` without running it (jq given no input runs nothing), so a bad expression is a usage error before any request. */
export async function checkJq(expr: string): Promise<void> {
  const r = await (await load())('', expr, ['-c'])
  if (r.exitCode !== 0)
    throw usageError(`Invalid --jq expression: ${jqMessage(r.stderr)}`, "See jq's manual (jqlang.org/manual); quote the expression in single quotes")
}

/** The lines `expr` makes of the JSON text `doc`, or jq's message when it fails on it. */
async function runOne(expr: string, doc: string): Promise<JqResult> {
  const r = await (await load())(doc, expr, ['-c'])
  if (r.exitCode !== 0) return {error: jqMessage(r.stderr) || `jq exited with ${r.exitCode}`}
  return {lines: outputLines(r.stdout).map(rawIfString)}
}

/** The lines `expr` makes of `value`: strings raw, other values compact JSON. */
export async function runJq(expr: string, value: unknown): Promise<string[]> {
  const r = await runOne(expr, JSON.stringify(value) ?? 'null')
  if ('error' in r)
    throw new CliError(`--jq failed on the answer: ${r.error}`, {
      exitCode: ExitCode.USAGE,
      code: 'jq_error',
      hint: 'The command itself succeeded; run it with --json to see the answer',
    })
  return r.lines
}

/** What `expr` made of one document: its output lines, or the message of the error it stopped with. */
export type JqResult = {lines: string[]; error?: undefined} | {error: string; lines?: undefined}

/**
 * `expr` on each JSON text of `docs` on its own, as a separate run of jq on each would give, in
 * one run of jq over all of them: a run starts jq afresh (its builtins compiled again), which per
 * NDJSON line of a bulk run would cost more than the row. Wrapped so that every document makes
 * exactly one line, its results or its error; an expression that reads other inputs (`input`,
 * `inputs`) or stops jq (`halt`) does not, and is then run on each document alone.
 */
export async function runJqEach(expr: string, docs: string[]): Promise<JqResult[]> {
  if (docs.length === 0) return []
  // The line break ends a comment the expression may finish with.
  const wrapped = `try {ok: [(${expr}\n) | tojson]} catch {error: .}`
  const r = await (await load())(docs.join('\n'), wrapped, ['-c'])
  const out = outputLines(r.stdout)
  if (r.exitCode !== 0 || out.length !== docs.length) return Promise.all(docs.map((d) => runOne(expr, d)))
  return out.map((line): JqResult => {
    const one = JSON.parse(line) as {ok?: string[]; error?: unknown}
    if (one.ok) return {lines: one.ok.map(rawIfString)}
    return {error: typeof one.error === 'string' ? one.error : `${JSON.stringify(one.error)} (not a string)`}
  })
}

/** Compact JSON holds no raw newline, so each line is one result. */
function outputLines(stdout: string): string[] {
  const text = stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout
  return text === '' ? [] : text.split('\n')
}

/** A JSON string as its text (jq -r), any other JSON value as it is. */
function rawIfString(json: string): string {
  return json.startsWith('"') ? (JSON.parse(json) as string) : json
}
