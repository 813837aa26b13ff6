// oclif.manifest.json is what lets oclif start without touching any command, and the bundle's
// explicit command map (oclif.commands: strategy explicit) is where oclif loads a command from.
// A stale manifest hides new commands without a word, and one with another version is ignored
// (slow start): the build writes both, and this checks they list the same commands as src/commands
// (plus plugin-help's `help`), with the package version.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join, relative, sep} from 'node:path'
import {test} from 'node:test'
import {ROOT} from '../helpers.js'

function commandIds(dir) {
  return readdirSync(dir, {recursive: true})
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(dir, join(dir, f)).slice(0, -3).split(sep).join(':'))
    .sort()
}

test('the manifest and the bundle list exactly the commands of src/commands and help, with the package version', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const expected = [...commandIds(join(ROOT, 'src', 'commands')), 'help'].sort()
  assert.equal(manifest.version, pkg.version)
  assert.deepEqual(Object.keys(manifest.commands).sort(), expected)
  for (const [id, cmd] of Object.entries(manifest.commands)) {
    assert.ok(cmd.description || cmd.summary, `${id} has a description in the manifest`)
  }

  const {strategy, target, identifier} = pkg.oclif.commands
  assert.equal(strategy, 'explicit')
  const bundle = createRequire(import.meta.url)(join(ROOT, target))
  const map = bundle[identifier]
  assert.deepEqual(Object.keys(map).sort(), expected)
  assert.deepEqual([...JSON.parse(readFileSync(join(ROOT, 'dist', 'commands.json'), 'utf8'))].sort(), expected)
  for (const id of expected) assert.equal(typeof map[id].run, 'function', `${id} loads a command class`)
  for (const hook of Object.values(pkg.oclif.hooks)) {
    assert.equal(hook.target, target)
    assert.equal(typeof bundle[hook.identifier], 'function', `hook ${hook.identifier}`)
  }
})
