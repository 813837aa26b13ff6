// Loaded into the CLI with --import: writes the paths of every CommonJS module the process loaded
// to the file named by TINK_TEST_LOAD_LOG when it exits, so a test can tell whether a command
// ran without loading @oclif/core.
import {writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'

const out = process.env.TINK_TEST_LOAD_LOG
if (out) {
  const Module = createRequire(import.meta.url)('node:module')
  process.on('exit', () => writeFileSync(out, JSON.stringify(Object.keys(Module._cache))))
}
