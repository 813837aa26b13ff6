// Help a user can learn from: every command described, every flag described, two or more
// examples (test/lib/cli/help-examples.test.js runs them), `-h` as `--help`, and help for
// something that does not exist. Commands are discovered from the manifests
// (test/support/command-manifests.js), so a new command is checked the day it lands.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {runCli} from '../../helpers.js'
import {assertOneLineError, oneJson} from '../../support/cli.js'
import {expand, own, pkg, spaced} from '../../support/command-manifests.js'

describe('every command describes itself', () => {
  for (const c of own) {
    test(`tink ${spaced(c.id)}: description, flag descriptions, two or more examples`, () => {
      assert.ok((c.summary ?? c.description ?? '').trim().length > 10, 'a summary or description')
      for (const [name, flag] of Object.entries(c.flags)) assert.ok(flag.description?.trim(), `--${name} has a description`)
      for (const [name, arg] of Object.entries(c.args ?? {})) assert.ok(arg.description?.trim(), `argument ${name} has a description`)
      assert.ok((c.examples ?? []).length >= 2, `at least two examples (has ${(c.examples ?? []).length})`)
      for (const e of c.examples) assert.doesNotMatch(expand(e, c), /<%/, 'no unexpanded template')
    })
  }

  test('tink --help lists every topic and command a user can run', async () => {
    const r = await runCli(['--help'])
    assert.equal(r.code, 0, r.stderr)
    for (const topic of Object.keys(pkg.oclif.topics)) assert.match(r.stdout, new RegExp(`^  ${topic}\\s`, 'm'), `topic ${topic}`)
    assert.match(r.stdout, /^ {2}completion\s/m)
    const topicHelp = await runCli(['token', '--help'])
    for (const c of own.filter((x) => x.id.startsWith('token:'))) assert.ok(topicHelp.stdout.includes(spaced(c.id)), c.id)
  })

  test('a command\'s --help shows its examples with their descriptions, on stdout', async () => {
    const c = own.find((x) => x.id === 'user:delete')
    const r = await runCli(['user', 'delete', '--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /EXAMPLES/)
    // Long lines wrap with a trailing backslash, as a shell continues them.
    const shown = r.stdout.replace(/ \\\n\s*/g, ' ').replace(/\s+/g, ' ')
    for (const e of c.examples) {
      assert.ok(shown.includes(`$ ${expand(e, c)}`), expand(e, c))
      if (e.description) assert.ok(shown.includes(e.description), e.description)
    }
  })
})

// Help and unknown commands go through oclif's hooks and help class: run as a user does.
describe('help for something that does not exist', () => {
  test('tink help tokn --json: the JSON error document with the suggestion, exit 2, no stack trace', async () => {
    const r = await runCli(['help', 'tokn', '--json'])
    assert.equal(r.code, 2, r.stderr)
    assert.equal(r.stderr, '')
    const {error} = oneJson(r.stdout)
    assert.equal(error.code, 'unknown_command')
    assert.equal(error.exitCode, 2)
    assert.match(error.hint, /Did you mean "tink token"\?/)
  })

  for (const args of [['help', 'nosuch', '-v'], ['help', 'tokn'], ['help', 'token', 'gte'], ['tokn', '--help'], ['token', 'gte', '-h']]) {
    test(`tink ${args.join(' ')}: one line, exit 2`, async () => {
      const r = await runCli(args)
      assertOneLineError(r, 2, /^Error: "[\w ]+" is not a tink command/)
      if (args.includes('gte')) assert.match(r.stderr, /Did you mean "tink token get"\?/)
    })
  }

  test('-h is --help, for the root, a topic and a command', async () => {
    for (const args of [[], ['token'], ['token', 'get']]) {
      const short = await runCli([...args, '-h'])
      const long = await runCli([...args, '--help'])
      assert.equal(short.code, 0, short.stderr)
      assert.equal(short.stdout, long.stdout)
      assert.match(short.stdout, /USAGE/)
    }
    const help = await runCli(['help', 'token', 'get'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /\$ tink token get/)
  })
})
