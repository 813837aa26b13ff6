// The least a command line costs once oclif runs it: `tink --version` answered by oclif itself
// (Config.load, then one line), through the same bundle and code cache as bin/run.cjs but without
// its string-compare shortcut. bench/startup.js times it beside the cases: whatever a command does
// comes on top of this.
const {join} = require('node:path')

const root = join(__dirname, '..', '..')
const {requireCached} = require(join(root, 'dist', 'lib', 'cli', 'compile-cache.cjs'))
requireCached(join(root, 'dist', 'tink.cjs'), ['--version'], process.env, '').run(['--version'], join(root, 'bin'))
