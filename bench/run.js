#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- NAME [options]` runs bench/NAME.js (after the build that
// `npm run bench` does). With no name it lists what there is.
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here).filter((f) => f.endsWith('.js') && f !== 'run.js').map((f) => f.slice(0, -3))
const [name, ...rest] = process.argv.slice(2)
if (!name || !available.includes(name)) {
  process.stderr.write(`${name ? `Unknown benchmark "${name}". ` : ''}Usage: npm run bench -- <${available.join('|')}> [options]\n`)
  process.exit(name ? 2 : 0)
}
// A benchmark either exports main(args) or runs on import with process.argv (as bench/emulator.js).
process.argv = [process.argv[0], join(here, `${name}.js`), ...rest]
const mod = await import(pathToFileURL(join(here, `${name}.js`)).href)
if (typeof mod.main === 'function') await mod.main(rest)
