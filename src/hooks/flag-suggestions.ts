/**
 * A flag the command does not have, named with the way on before oclif's parser says only
 * "Nonexistent flag": the flag a typo meant (`--scop` -> `--scope`), and for a secret given on the
 * command line (`--client-secret VALUE`) the command's stdin flag and environment variable. The
 * value is never repeated: it may be the secret. Anything else is left to the parser.
 */
import type {Hook} from '@oclif/core'
import {CliError, ExitCode} from '../lib/errors/cli-error.js'

interface FlagDef {
  type?: string
  char?: string
  allowNo?: boolean
  aliases?: string[]
  hidden?: boolean
}

/** Environment variables that hold what a `--X-stdin` flag reads (settings.ts ENV_VARS, for secrets). */
const SECRET_ENV: Record<string, string> = {'client-secret': 'TINK_CLIENT_SECRET'}

const hook: Hook<'preparse'> = async function ({argv, options}) {
  const flags = (options.flags ?? {}) as Record<string, FlagDef>
  const names = new Set<string>()
  for (const [name, def] of Object.entries(flags)) {
    names.add(name)
    for (const alias of def.aliases ?? []) names.add(alias)
    if (def.allowNo) names.add(`no-${name}`)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') break
    if (!arg.startsWith('--')) continue
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (names.has(name)) {
      // The next word is this flag's value (it may start with dashes): not a flag to check.
      if (eq < 0 && flags[name]?.type === 'option') i++
      continue
    }
    const problem = suggestion(name, flags)
    if (problem) throw Object.assign(problem, {oclif: {exit: ExitCode.USAGE}})
  }
  return argv
}

function suggestion(name: string, flags: Record<string, FlagDef>): CliError | undefined {
  if (!/^[a-z][\w-]*$/i.test(name)) return undefined
  const stdin = `${name}-stdin`
  if (flags[stdin] || SECRET_ENV[name]) {
    const env = SECRET_ENV[name] ? ` or set ${SECRET_ENV[name]}` : ''
    return new CliError(`Nonexistent flag: --${name} (its value is not shown: a secret on the command line lands in shell history and the process list)`, {
      exitCode: ExitCode.USAGE,
      code: 'invalid_usage',
      hint: flags[stdin]
        ? `Pipe it to --${stdin}${env}, e.g. printf '%s' "$SECRET" | tink ... --${stdin}`
        : `This command takes no ${name}; where one is needed, pipe it to --${stdin}${env}`,
    })
  }
  const visible = Object.entries(flags)
    .filter(([, d]) => !d.hidden)
    .map(([n]) => n)
  const best = visible.map((n) => ({n, d: n.startsWith(name) && name.length >= 3 ? 0.5 : distance(name, n)})).sort((a, b) => a.d - b.d)[0]
  // Near in spelling, or the one flag sharing the first four letters (--retry: --retries).
  const sameStem = name.length >= 4 ? visible.filter((n) => n.slice(0, 4) === name.slice(0, 4)) : []
  const meant = best && best.d <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? best.n : sameStem.length === 1 ? sameStem[0] : undefined
  if (!meant) return undefined
  return new CliError(`Nonexistent flag: --${name}`, {exitCode: ExitCode.USAGE, code: 'invalid_usage', hint: `Did you mean --${meant}? See --help for usage`})
}

/** Levenshtein distance (flag names are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

export default hook
