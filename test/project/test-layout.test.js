// The tests are arranged like the source (CONTRIBUTING.md, "Tests"): every test file sits in
// test/commands/ (a command's topic or a command of src/commands), test/lib/<layer>/ (a folder of
// src/lib), test/e2e/ or test/project/, and no file is named after an issue or a review.
import assert from 'node:assert/strict'
import {existsSync, readdirSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {test} from 'node:test'
import {ROOT} from '../helpers.js'

const testFiles = (dir) =>
  readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []))

test('every test file is where CONTRIBUTING.md says, and named by behaviour', () => {
  const misplaced = []
  for (const file of testFiles(join(ROOT, 'test'))) {
    const [area, ...rest] = relative(join(ROOT, 'test'), file).split(sep)
    const name = rest.at(-1)
    const ok =
      (area === 'commands' && rest.length === 1 && existsSync(join(ROOT, 'src', 'commands', name.replace(/\.test\.js$/, '.ts')))) ||
      (area === 'commands' && rest.length === 2 && existsSync(join(ROOT, 'src', 'commands', rest[0]))) ||
      (area === 'lib' && rest.length === 2 && existsSync(join(ROOT, 'src', 'lib', rest[0]))) ||
      ((area === 'e2e' || area === 'project') && rest.length === 1)
    if (!ok || /issue|hardening|review/i.test(name ?? area)) misplaced.push(relative(ROOT, file))
  }
  assert.deepEqual(misplaced, [])
})
