#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- NAME [options]` runs bench/NAME.js (after the build that
// `npm run bench` does); with no name, the whole harness: startup, then bulk.
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here).filter((f) => f.endsWith('.js') && f !== 'run.js').map((f) => f.slice(0, -3))
const WHOLE = ['startup', 'bulk', 'bulk-memory']
const [name, ...rest] = process.argv.slice(2)
if (name === '--help' || (name && !available.includes(name))) {
  process.stderr.write(`${name === '--help' ? '' : `Unknown benchmark "${name}". `}Usage: npm run bench [-- <${available.join('|')}> [options]] (none: ${WHOLE.join(', ')})\n`)
  process.exit(name === '--help' ? 0 : 2)
}
for (const bench of name ? [name] : WHOLE) {
  // A benchmark either exports main(args) or runs on import with process.argv (as bench/emulator.js).
  process.argv = [process.argv[0], join(here, `${bench}.js`), ...rest]
  const mod = await import(pathToFileURL(join(here, `${bench}.js`)).href)
  if (typeof mod.main === 'function') await mod.main(rest)
}
