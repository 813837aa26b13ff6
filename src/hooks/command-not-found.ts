/**
 * A mistyped command: one line naming the closest real command, exit 2 (invalid usage), in
 * scripts as on a terminal. Replaces @oclif/plugin-not-found, which suggests only on an
 * interactive terminal (as a y/n prompt) and exits 127, a shell's "command not found", which a
 * script cannot tell apart from tink itself missing from PATH.
 */
import {toConfiguredId, type Hook, type Interfaces} from '@oclif/core'
import {CliError, ExitCode} from '../lib/errors/cli-error.js'
import {systemIO} from '../lib/cli/io.js'
import {prepareColor} from '../lib/cli/output.js'
import {renderError} from '../lib/cli/render-error.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  await report(unknownCommandError(opts.config, opts.id), opts.argv ?? [])
  this.exit(ExitCode.USAGE)
}

/**
 * Words other command lines use (gh, the Stripe CLI, cloud CLIs) for what tink does under
 * another name, or as a flag: spelling distance would point at the wrong command (`logout` is
 * two letters from `login`). Matched on any word, so `tink auth logout` is answered too.
 */
const MEANT: Record<string, string> = {
  logout: 'To forget a profile and its stored secret: BIN profile remove NAME (BIN token clear drops only its cached tokens)',
  'log-out': 'To forget a profile and its stored secret: BIN profile remove NAME',
  signout: 'To forget a profile and its stored secret: BIN profile remove NAME',
  'sign-out': 'To forget a profile and its stored secret: BIN profile remove NAME',
  version: 'For the version: BIN --version',
  completions: 'For shell completion: BIN completion bash (or zsh)',
  autocomplete: 'For shell completion: BIN completion bash (or zsh)',
  whoami: 'To see which profile and credentials a command would use: BIN profile status',
}

/** The error for an id that names no command or topic (also used by `tink help <unknown>`). */
export function unknownCommandError(config: Interfaces.Config, id: string): CliError {
  const visible = config.commands.filter((c) => !c.hidden)
  const candidates = [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases), ...config.topics.filter((t) => !t.hidden).map((t) => t.name)]
  // `tink token get VALUE`: a real command followed by a stray word, often a pasted secret.
  // Name the command, never echo the word.
  const owner = visible
    .map((c) => c.id)
    .filter((c) => id.startsWith(c + ':'))
    .sort((a, b) => b.length - a.length)[0]
  if (owner === undefined) {
    const typed = toConfiguredId(id, config)
    const word = id
      .toLowerCase()
      .split(':')
      .find((w) => Object.hasOwn(MEANT, w))
    const meant = word === undefined ? undefined : MEANT[word]
    if (meant) {
      return new CliError(`"${typed}" is not a ${config.bin} command`, {
        exitCode: ExitCode.USAGE,
        code: 'unknown_command',
        hint: `${meant.replaceAll('BIN', config.bin)}. Run ${config.bin} --help for the list`,
      })
    }
    const best = closest(id, candidates)
    const suggestion = best === undefined ? undefined : toConfiguredId(best, config)
    return new CliError(`"${typed}" is not a ${config.bin} command`, {
      exitCode: ExitCode.USAGE,
      code: 'unknown_command',
      hint: suggestion
        ? `Did you mean "${config.bin} ${suggestion}"? Run ${config.bin} --help for the list`
        : `Run ${config.bin} --help for the list of commands`,
    })
  }
  const cmd = `${config.bin} ${toConfiguredId(owner, config)}`
  return new CliError(`"${cmd}" takes no arguments, only flags (the extra word is not shown, in case it is a secret)`, {
    exitCode: ExitCode.USAGE,
    code: 'unexpected_argument',
    hint: `Run ${cmd} --help for its flags; secrets go through stdin or environment variables`,
  })
}

/** Flags given to a topic (`tink token --raw`): name its commands; the flags are not repeated (one may hold a secret). */
export function topicWithFlagsError(config: Interfaces.Config, topic: string): CliError {
  const typed = toConfiguredId(topic, config)
  const commands = config.commands.filter((c) => !c.hidden && c.id.startsWith(topic + ':')).map((c) => `${config.bin} ${toConfiguredId(c.id, config)}`)
  return new CliError(`"${config.bin} ${typed}" is a topic, not a command: its flags belong to one of its commands`, {
    exitCode: ExitCode.USAGE,
    code: 'invalid_usage',
    hint: `Use ${commands.join(' or ')} (see ${config.bin} ${typed} --help)`,
  })
}

/** The machine contract holds here too: with --json, the error is the one document on stdout. */
export async function report(error: CliError, argv: readonly string[]): Promise<void> {
  const io = systemIO()
  await prepareColor(io)
  renderError(io, error, {json: argv.includes('--json')})
}

/** The candidate nearest by edit distance, if it is near enough to be what was meant. */
function closest(id: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const c of candidates) {
    const d = distance(id, c)
    if (d < bestDistance) [best, bestDistance] = [c, d]
  }
  return bestDistance <= Math.max(2, Math.floor(id.length / 2)) ? best : undefined
}

/** Levenshtein distance, one row at a time (ids are short). */
function distance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}

export default hook
