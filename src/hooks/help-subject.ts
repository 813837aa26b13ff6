/**
 * `tink help tokn`, `tink tokn --help`, `tink help nosuch -v`: help for something that does not
 * exist. oclif answers those with its own error (and, when help is also given a flag it does not
 * know, two stack traces and exit 1). Here they get what a mistyped command gets: one line naming
 * the closest command, exit 2, or the JSON error document with --json.
 *
 * It runs before every command (an init hook), so it decides from the arguments alone and loads
 * nothing unless the subject is unknown.
 */
import type {Hook} from '@oclif/core'

const hook: Hook<'init'> = async function (opts) {
  const {id, argv, config} = opts
  if (id === undefined || id.startsWith('-')) return
  const helpFlags = ['--help', ...(config.pjson.oclif.additionalHelpFlags ?? [])]
  const beforeDashes = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  let subject: string
  if (id === 'help') {
    // `help` takes only boolean flags, so every other word names the subject.
    subject = beforeDashes.filter((a) => !a.startsWith('-')).join(':')
  } else if (beforeDashes.some((a) => helpFlags.includes(a))) {
    // oclif already joined the leading words into `id` (topic separator " ").
    subject = id
  } else if (!config.findCommand(id) && config.findTopic(id) && beforeDashes.some((a) => a.startsWith('-'))) {
    // `tink token --raw`: flags for a topic, which runs nothing. oclif would print the topic's
    // help and exit 0, so a script would carry on as if a token had been printed.
    const {topicWithFlagsError, report} = await import('./command-not-found.js')
    await report(topicWithFlagsError(config, id), argv)
    const {ExitCode} = await import('../lib/errors/cli-error.js')
    this.exit(ExitCode.USAGE)
    return
  } else {
    return
  }
  if (subject === '' || config.findCommand(subject) || config.findTopic(subject)) return
  const {report, unknownCommandError} = await import('./command-not-found.js')
  await report(unknownCommandError(config, subject), argv)
  const {ExitCode} = await import('../lib/errors/cli-error.js')
  this.exit(ExitCode.USAGE)
}

export default hook
