#!/usr/bin/env node
// Written in syntax every Node.js parses, and checked before anything else loads, so an old
// Node prints one line instead of a syntax error from a dependency. CommonJS, as are the modules
// it needs to reach a hot command: Node's ES module loader, about 4 ms to start, then never runs.
var parts = process.versions.node.split('.').map(Number)
if (parts[0] < 20 || (parts[0] === 20 && (parts[1] < 18 || (parts[1] === 18 && parts[2] < 1)))) {
  process.stderr.write('tink needs Node.js 20.18.1 or newer; this is ' + process.version + '. Install a current Node.js LTS and try again.\n')
  process.exit(1)
}

main(process.argv.slice(2))

async function main(argv) {
  var pjson = require('../package.json')
  // The paths below that answer without oclif stand aside when oclif would do more (debug logs,
  // user plugins that may hook in).
  var plain = !require('../dist/lib/user-plugins.cjs').oclifMayDoMore(process.env)

  // `tink --version` is what scripts and support staff run most to check an install: answered
  // here, without loading oclif (about 70 ms), with the very line oclif prints (config.userAgent).
  if (argv[0] === '--version' && plain) {
    // The same is-wsl module oclif asks, so "wsl-x64" comes out exactly as oclif would say it.
    var oclifRequire = require('node:module').createRequire(require.resolve('@oclif/core/package.json'))
    var platform = oclifRequire('is-wsl') ? 'wsl' : process.platform
    var arch = process.arch === 'ia32' ? 'x86' : process.arch
    process.stdout.write(pjson.name + '/' + pjson.version + ' ' + platform + '-' + arch + ' node-' + process.version + '\n')
    return
  }

  // Help printed before for the same arguments, install, terminal and environment is printed
  // again from the help cache (src/lib/help-cache.ts), without oclif. Only arguments that may be
  // help load it (help-cache.js decides exactly); if it cannot load, oclif answers.
  var helpFlags = ['--help'].concat(pjson.oclif.additionalHelpFlags || [])
  var maybeHelp = argv.length === 0 || argv[0] === 'help' || argv.some(function (a) { return helpFlags.includes(a) })
  if (plain && maybeHelp) {
    var help = await import('../dist/lib/help-cache.js').catch(function () {})
    if (help && help.replayHelp(argv)) return
  }

  // token get, user create and the other hot commands with plain arguments run without oclif
  // (src/lib/fast.ts says exactly when); everything else is oclif's. The build bundles fast.ts and
  // what it imports into one CommonJS file, which the compile cache holds: loading it costs about
  // what one small module does.
  var cache = require('../dist/lib/compile-cache.cjs')
  var fastPath = require('../dist/lib/fast-plan.cjs')
  var plan = fastPath.planFast(argv, process.env)
  // Bulk work keeps its peak memory flat (src/lib/bulk/heap.ts): V8 flags, set before any code
  // compiles, and its own compile-cache blob (cache data is valid only under its flags).
  if (plan && plan.bulk) require('node:v8').setFlagsFromString(fastPath.BULK_V8_FLAGS)
  cache.installCompileCache(process.env, plan ? (plan.bulk ? 'bulk' : 'fast') : 'oclif')
  if (plan) return require('../dist/lib/fast.bundle.cjs').runFast(plan)
  var oclif = await import('@oclif/core')
  return oclif.execute({dir: __dirname})
}
