// `npm run bench -- startup`: the startup cases of `npm run bench` (bench/compare.js) alone, this
// build against the baseline: --version, --help, a cached token get and user create.
import {compare} from './compare.js'

export const main = (args) => compare('startup', args.includes('--no-bulk') ? args : ['--no-bulk', ...args])
