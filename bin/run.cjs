#!/usr/bin/env node
// Written in syntax every Node.js parses, and checked before anything else loads, so an old
// Node prints one line instead of a syntax error from a dependency.
var parts = process.versions.node.split('.').map(Number)
if (parts[0] < 20 || (parts[0] === 20 && (parts[1] < 18 || (parts[1] === 18 && parts[2] < 1)))) {
  process.stderr.write('tink needs Node.js 20.18.1 or newer; this is ' + process.version + '. Install a current Node.js LTS and try again.\n')
  process.exit(1)
}

var argv = process.argv.slice(2)

// `tink --version`, the one answer given without oclif: the line oclif prints (config.userAgent),
// checked against oclif's own by test/e2e/version.test.js. is-wsl is the module oclif asks.
if (argv.length === 1 && argv[0] === '--version') {
  var pjson = require('../package.json')
  var wsl = process.platform === 'linux' && require('node:module').createRequire(require.resolve('@oclif/core/package.json'))('is-wsl')
  var arch = process.arch === 'ia32' ? 'x86' : process.arch
  // A full stdout: one line and exit 7 (src/lib/cli/stdout-guard.cts), as for every command.
  require('../dist/lib/cli/stdout-guard.cjs').guardStdout()
  process.stdout.write(pjson.name + '/' + pjson.version + ' ' + (wsl ? 'wsl' : process.platform) + '-' + arch + ' node-' + process.version + '\n')
} else {
  // undici parses HTTP with llhttp compiled to WebAssembly. On Node 20, V8 optimises that module
  // on background threads that Node waits for before it exits: a wait after the last byte of
  // every command that sent a request. V8's baseline compiler alone parses a few small responses
  // (and bulk runs, measured with bench/bulk.js) as fast. Set here, once, before anything is
  // compiled, so every code cache is made and used under the same flags; only for command lines
  // that always send a request: any V8 flag also makes Node compile its own modules without their
  // built-in code cache, which --help or a cached `token get` (answered from the token cache, no
  // request) would pay for nothing. Node 22 and 24 do not wait at exit, so there the flag would
  // be that cost alone. Measured with the startup benchmark (docs/performance.md). Which command
  // lines always send a request is what each command declares (`needs.request`), collected at
  // build time into dist/command-needs.json (src/lib/cli/command-needs.cts).
  // Read with fs: a require() of the JSON costs several times the read itself.
  var path = require('node:path')
  var needs = require('../dist/lib/cli/command-needs.cjs')
  var table = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '..', 'dist', 'command-needs.json'), 'utf8'))
  var liftoff = parts[0] === 20 && needs.alwaysSends(argv, table)
  if (liftoff) require('node:v8').setFlagsFromString('--liftoff-only')
  // A bulk run (`needs.steady`: user create|delete --file) keeps the same few MB alive however long
  // its file, but V8 sizes its heap for a steady stream of short-lived objects (every request's)
  // by growing the young generation to its maximum and letting the old one fill to several times
  // what is alive between full collections: that put a 1,000,000-row run over its 150 MB goal.
  // Both held small, the heap stays flat for some more collecting (bench/bulk-memory.js and
  // docs/performance.md measure both); set here, before anything runs, as --liftoff-only.
  // The V8 of Node 22 and 24 (not 20's) no longer collects the young generation while a full
  // collection marks: every object made meanwhile gets a page of its own until marking ends, so
  // a run's peak grew with how many rows it handled during each marking. --no-separate-gc-phases
  // is Node 20's default, collecting both as before (test/lib/bulk/input.test.js, memory).
  var steady = needs.runsSteady(argv, table)
  if (steady) require('node:v8').setFlagsFromString('--semi-space-growth-factor=1 --heap-growing-percent=30 --no-separate-gc-phases')
  // The whole CLI is one bundle (scripts/bundle.mjs), loaded with a V8 code cache
  // (src/lib/cli/compile-cache.cts) instead of compiled at every start: what that saves is in
  // docs/performance.md (TINK_NO_COMPILE_CACHE=1 turns it off).
  var bundle = path.join(__dirname, '..', 'dist', 'tink.cjs')
  require('../dist/lib/cli/compile-cache.cjs')
    .requireCached(bundle, argv, process.env, [liftoff ? 'liftoff' : '', steady ? 'steady' : ''].filter(Boolean).join('-'))
    .run(argv, __dirname)
}
