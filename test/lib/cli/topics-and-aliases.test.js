// Topics and aliases: a topic given a flag is a usage error naming its commands (the flag value
// not echoed); flag aliases such as emulator start --faults.
import assert from 'node:assert/strict'
import {after, describe, test} from 'node:test'
import {runCli} from '../../helpers.js'

const servers = []
after(() => Promise.all(servers.map((s) => s.close())))

describe('topics and aliases', () => {
  test('tink token --raw (a topic with a flag) is a usage error, exit 2, naming its commands; the flag value is not echoed', async () => {
    for (const args of [['token', '--raw'], ['user', '--secret=TopicLeak1'], ['grant', '-x']]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, r.stderr)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, /^Error: "tink \w+" is a topic, not a command.*tink \w+ \w+/)
      assert.doesNotMatch(r.stderr, /TopicLeak1/)
    }
    const j = await runCli(['token', '--raw', '--json'])
    assert.equal(j.code, 2)
    assert.equal(JSON.parse(j.stdout).error.exitCode, 2)
    const help = await runCli(['token', '--help'])
    assert.equal(help.code, 0)
  })
  test('emulator start --faults is an alias of --fault', async () => {
    const r = await runCli(['emulator', 'start', '--faults', 'not-a-spec', '--port', '0'])
    assert.equal(r.code, 2, r.stderr)
    assert.doesNotMatch(r.stderr, /Nonexistent flag/)
    assert.match(r.stderr, /fault/i)
  })
})
