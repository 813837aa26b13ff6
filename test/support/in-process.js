// Runs a tink command inside the test process, as the GitHub CLI's tests do with
// iostreams.Test(): oclif parses the arguments and runs the command class, whose IO is a test IO
// (buffers, settable TTY flags) and whose environment is the one given. Resolves what runCli
// resolves ({code, stdout, stderr}), so a behaviour test reads the same either way; the
// end-to-end subprocess files keep the process contract (signals, exit status, the bin).
import {Config} from '@oclif/core'
import {cleanEnv, ROOT} from '../helpers.js'
import {testIO} from '../../dist/lib/cli/io.js'

let config

/**
 * `tink ...args` in process. `env` is merged over cleanEnv(); `input` is stdin (closed after it);
 * `columns` the terminal width of TTY streams; `onStderr(text)` sees stderr so far after each write.
 */
export async function runTink(args, {env = {}, input, stdinTTY = false, stdoutTTY = false, stderrTTY = false, columns, onStderr} = {}) {
  config ??= await Config.load({root: ROOT})
  const io = testIO({stdin: input, stdinTTY, stdoutTTY, stderrTTY, columns, env: cleanEnv(env)})
  // A second 'data' listener, after testIO's own: the text so far includes this chunk.
  if (onStderr) io.stderr.on('data', () => onStderr(io.stderrText()))
  const {id, argv} = findCommand(args)
  if (!id) throw new Error(`runTink: no command in ${JSON.stringify(args)} (help and unknown commands are tested as subprocesses)`)
  const Command = await config.findCommand(id).load()
  const cmd = new Command(argv, config)
  cmd.io = io
  const before = process.exitCode
  try {
    await cmd._run()
  } finally {
    process.exitCode = before
  }
  return {code: cmd.exitCode, stdout: io.stdoutText(), stdoutBytes: io.stdoutBytes(), stderr: io.stderrText(), screen: io.screenText(), signal: null}
}

/** The longest run of leading words that names a command (topic separator " "), as oclif finds it. */
function findCommand(args) {
  for (let n = Math.min(args.length, 3); n > 0; n--) {
    const words = args.slice(0, n)
    if (words.some((w) => w.startsWith('-'))) continue
    const id = words.join(':')
    if (config.findCommand(id)) return {id, argv: args.slice(n)}
  }
  return {}
}
