/**
 * What a command line needs prepared before the bundle loads: a V8 flag (bin/run.cjs) and the
 * keychain warm-up (the bundle's entry, keychain-topics.ts). Each command declares its needs where
 * it is defined (`command({needs})`, src/lib/cli/base-command.ts); scripts/command-needs.mjs
 * collects the declarations from the built command classes into dist/command-needs.json at build
 * time, the table both read. No list of topics is kept by hand.
 *
 * CommonJS, and importing nothing: bin/run.cjs requires it before anything else is loaded.
 */

export interface CommandNeeds {
  /** 'always' when every run sends a request; or the flags (long names) with which a run always does. */
  request?: 'always' | readonly string[]
  /** The command may read a client secret or the token cache from the OS keychain. */
  keychain?: boolean
  /** The flags (long names, or a one-letter short one) with which a run handles input of any length (bulk --file): bin/run.cjs then bounds V8's heap growth. */
  steady?: readonly string[]
}

/** Command id (`user:create`) to its declared needs; commands that declare nothing are absent. */
export type NeedsTable = Readonly<Record<string, CommandNeeds>>

/** Whether the command line asks for help (which reads nothing and sends nothing). */
export function asksHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h')
}

/**
 * The needs of the command a command line names: oclif's topic separator is a space, so
 * `user create` is `user:create`, and `api /api/v1/user` is `api` with an argument.
 */
export function needsOf(argv: readonly string[], table: NeedsTable): CommandNeeds | undefined {
  const [first = '', second = ''] = argv
  if (first === '' || first.startsWith('-')) return undefined
  const id = `${first}:${second}`
  if (second !== '' && !second.startsWith('-') && Object.hasOwn(table, id)) return table[id]
  return Object.hasOwn(table, first) ? table[first] : undefined
}

/** Whether the command line always sends a request: the runs for which bin/run.cjs sets a V8 flag. */
export function alwaysSends(argv: readonly string[], table: NeedsTable): boolean {
  const request = needsOf(argv, table)?.request
  if (!request || asksHelp(argv)) return false
  if (request === 'always') return true
  return argv.some((a) => request.some((f) => a === `--${f}` || a.startsWith(`--${f}=`)))
}

/** Whether the command line runs over input of any length (a bulk --file run): bin/run.cjs bounds V8's heap growth for it. */
export function runsSteady(argv: readonly string[], table: NeedsTable): boolean {
  const steady = needsOf(argv, table)?.steady
  if (!steady || asksHelp(argv)) return false
  return argv.some((a) => steady.some((f) => (f.length === 1 ? a.startsWith(`-${f}`) && !a.startsWith('--') : a === `--${f}` || a.startsWith(`--${f}=`))))
}
