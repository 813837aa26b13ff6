#!/usr/bin/env node
// Benchmark dispatcher: `npm run bench -- [TARGET] [options]` runs bench/TARGET.js (after the build
// that `npm run bench` does); with no target, `compare`. `npm run bench -- --help` lists them.
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const TARGETS = {
  compare: 'the default: this build against 18003ef (the commit before issue 22), side by side against one emulator: --version, --help, a cached token get, user create (goal <= 1.1x) and bulk rows/s (goal >= 0.95x). Options: --rounds N (default 15, or TINK_BENCH_ROUNDS), --warmup N, --rows N, --bulk-flags "FLAGS", --cpu, --no-startup, --no-bulk, --baseline DIR, --baseline-rev REV',
  startup: "compare's startup cases only (compare --no-bulk)",
  bulk: 'bulk user create against a curl loop, xargs -P 16 curl and a raw undici loop; peak RSS for 1,000 vs 100,000 rows; then bulk-limits. Options: --users N, --rounds N, --no-memory, --memory-rows N, --no-limits, --limit-rows N',
  'bulk-limits': 'bulk user create with default flags against a token-bucket rate limit (issue 24): rows/s of the limit, share of 429s. Options: --limit-rows N',
  'bulk-memory': 'peak RSS of a 1,000,000-row bulk run and of resuming its journal; a run killed half way and resumed against an uninterrupted one. Options: --rows N, --resume-rows M, --rounds R, --concurrency N',
  'bulk-jq': 'bulk user create with --jq against the same run without it (issue 26). Options: --rows N, --rounds N, --jq EXPR',
  emulator: "the emulator's own throughput (tokens and user creates a second). Options: --seconds N, --connections N, --json",
}
const DEFAULT = 'compare'
const [first, ...more] = process.argv.slice(2)
const named = first !== undefined && !first.startsWith('-')
const name = named ? first : DEFAULT
const rest = named ? more : process.argv.slice(2)

if (first === '--help' || first === '-h' || first === 'help') {
  const width = Math.max(...Object.keys(TARGETS).map((t) => t.length))
  process.stdout.write(
    `Usage: npm run bench [-- TARGET [options]]   (no target: ${DEFAULT}; results in bench/results.json, method in docs/performance.md)\n\nTargets:\n` +
      Object.entries(TARGETS)
        .map(([t, what]) => `  ${t.padEnd(width)}  ${what}`)
        .join('\n') +
      '\n',
  )
  process.exit(0)
}
if (!Object.hasOwn(TARGETS, name)) {
  process.stderr.write(`Unknown benchmark "${name}". Targets: ${Object.keys(TARGETS).join(', ')} (npm run bench -- --help)\n`)
  process.exit(2)
}
// A benchmark either exports main(args) or runs on import with process.argv (as bench/emulator.js).
process.argv = [process.argv[0], join(here, `${name}.js`), ...rest]
const mod = await import(pathToFileURL(join(here, `${name}.js`)).href)
if (typeof mod.main === 'function') await mod.main(rest)
