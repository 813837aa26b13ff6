// Parsing apart from behaviour (as the GitHub CLI tests NewCmdX with a stub run function): oclif's
// parser, with a command's own flag definitions and the global ones, turns a command line into
// the typed flags its body receives. No body runs and nothing is sent.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {Parser} from '@oclif/core'
import {GLOBAL_FLAGS, localBaseFlags} from '../../../dist/lib/cli/flags.js'
import TokenGet from '../../../dist/commands/token/get.js'
import UserCreate from '../../../dist/commands/user/create.js'
import UserDelete from '../../../dist/commands/user/delete.js'
import GrantDelegate from '../../../dist/commands/grant/delegate.js'

const parse = (argv, flags, baseFlags = GLOBAL_FLAGS) => Parser.parse(argv, {flags: {...baseFlags, ...flags}, strict: true})

test('repeated --scope flags are kept in order; global flags keep their defaults', async () => {
  const {flags} = await parse(['--scope', 'a:read,b:read', '-s', 'c:write'], TokenGet.flags)
  assert.deepEqual(flags.scope, ['a:read,b:read', 'c:write'])
  assert.equal(flags.timeout, '30')
  assert.equal(flags.retries, 3)
  assert.equal(flags['client-secret-stdin'], undefined, 'no secret flag unless typed')
})

test('bulk flags have no parser defaults, so "given" means "typed" (a bulk flag without --file is refused in the body)', async () => {
  const {flags} = await parse(['-e', 'u1', '--market', 'GB'], UserCreate.flags)
  for (const name of ['file', 'format', 'delimiter', 'concurrency', 'rate', 'journal', 'if-exists']) assert.equal(flags[name], undefined, `--${name}`)
  const bulk = await parse(['--file', 'users.csv', '--concurrency', '16'], UserCreate.flags)
  assert.equal(bulk.flags.concurrency, 16)
})

test('exclusive and bounded flags are refused by the parser', async () => {
  await assert.rejects(parse(['--code', 'x', '--refresh-token', 'y'], TokenGet.flags), /cannot also be provided/)
  await assert.rejects(parse(['-e', 'a', '-u', 'b'], UserDelete.flags), /cannot also be provided/)
  await assert.rejects(parse(['--file', 'f', '--concurrency', '0'], UserDelete.flags), /greater than or equal to 1/)
  await assert.rejects(parse(['--retries', '11'], TokenGet.flags), /less than or equal to 10/)
})

test('grant delegate: the Tink Link defaults (flow, actor) come from its flag definitions', async () => {
  const {flags} = await parse(['-e', 'u1', '--id-hint', 'Jane'], GrantDelegate.flags)
  assert.equal(flags.flow, 'transactions/connect-accounts')
  assert.equal(flags['actor-client-id'], 'df05e4b379934cd09963197cc855bfe9')
})

test('local commands offer only --verbose: an API flag is a parse error, not silently ignored', async () => {
  await assert.rejects(parse(['--timeout', '5'], {}, localBaseFlags), /Nonexistent flag/)
  const {flags} = await parse(['-v'], {}, localBaseFlags)
  assert.equal(flags.verbose, true)
})
