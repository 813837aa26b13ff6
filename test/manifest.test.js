// oclif.manifest.json is what lets oclif start without importing every command. A stale one
// hides new commands without a word, and one with another version is ignored (slow start): the
// build writes it, and this checks it matches the commands and the version that ship.
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {test} from 'node:test'
import {ROOT} from './helpers.js'

function commandIds(dir) {
  return readdirSync(dir, {recursive: true})
    .filter((f) => f.endsWith('.js'))
    .map((f) => relative(dir, join(dir, f)).slice(0, -3).split(sep).join(':'))
    .sort()
}

test('the manifest lists exactly the built commands, with the package version', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  assert.equal(manifest.version, pkg.version)
  assert.deepEqual(Object.keys(manifest.commands).sort(), commandIds(join(ROOT, 'dist', 'commands')))
  for (const [id, cmd] of Object.entries(manifest.commands)) {
    assert.ok(cmd.description || cmd.summary, `${id} has a description in the manifest`)
  }
})
