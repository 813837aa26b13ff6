// Loaded into the CLI with NODE_OPTIONS=--import: when the process exits, writes the files of
// every CommonJS module it loaded (Node's require cache, which also holds the CommonJS packages
// that ES modules imported, such as @oclif/core) into the JSON file named by TINK_TEST_LOAD_LOG.
// It only reads: what the CLI does is unchanged.
import {writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'

const out = process.env.TINK_TEST_LOAD_LOG
if (out) {
  const require = createRequire(import.meta.url)
  process.on('exit', () => writeFileSync(out, JSON.stringify(Object.keys(require.cache))))
}
