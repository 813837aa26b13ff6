// The emulator is an independent oracle of Tink: its sources import only Node's own modules and
// each other (never the tink CLI, its dist or its dependencies), every table that encodes a Tink
// fact names its source, and no source file is over 400 lines.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const SRC = fileURLToPath(new URL('../src', import.meta.url))
const files = readdirSync(SRC, {recursive: true}).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, f))

test('sources import only node: modules and files of the package itself', () => {
  assert.ok(files.length >= 15, `${files.length} source files`)
  for (const file of files) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
      if (spec.startsWith('node:')) continue
      assert.ok(spec.startsWith('.'), `${relative(SRC, file)} imports the package "${spec}"`)
      const target = resolve(file, '..', spec)
      assert.ok(target.startsWith(SRC), `${relative(SRC, file)} imports ${spec}, outside the package`)
    }
  }
})

test('each table of Tink facts names its source in a comment beside it; no file over 400 lines', () => {
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n')
    assert.ok(lines.length <= 401, `${relative(SRC, file)} has ${lines.length} lines`)
  }
  let tables = 0
  for (const file of readdirSync(join(SRC, 'tables')).map((f) => join(SRC, 'tables', f))) {
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (!/^export const [A-Z_]+(?::[^=]+)? = [[{]/.test(line)) return
      tables++
      const before = lines.slice(Math.max(0, i - 3), i).join('\n')
      assert.match(before, /Tink|Postman|example app|the emulator/, `${relative(SRC, file)}:${i + 1} ${line.slice(0, 60)} has no source comment`)
    })
  }
  assert.ok(tables >= 15, `${tables} tables checked`)
})
