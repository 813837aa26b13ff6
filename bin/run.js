#!/usr/bin/env node
// Written in syntax every Node.js parses, and checked before anything else loads, so an old
// Node prints one line instead of a syntax error from a dependency.
var parts = process.versions.node.split('.').map(Number)
if (parts[0] < 20 || (parts[0] === 20 && (parts[1] < 18 || (parts[1] === 18 && parts[2] < 1)))) {
  process.stderr.write('tink needs Node.js 20.18.1 or newer; this is ' + process.version + '. Install a current Node.js LTS and try again.\n')
  process.exit(1)
}

import('node:module').then(function (nodeModule) {
  var require = nodeModule.createRequire(import.meta.url)
  var argv = process.argv.slice(2)
  // `tink --version` is what scripts and support staff run most to check an install: answered
  // here, without loading oclif (about 70 ms), with the very line oclif prints (config.userAgent).
  // oclif would run init hooks first and print debug logs: none exist for tink unless DEBUG is
  // set or a user plugin is installed, in which case oclif answers as before.
  if (argv[0] === '--version' && !process.env.DEBUG && !process.env.TINK_DEBUG && !userPluginsInstalled(require)) {
    var pjson = require('../package.json')
    // The same is-wsl module oclif asks, so "wsl-x64" comes out exactly as oclif would say it.
    var oclifRequire = nodeModule.createRequire(require.resolve('@oclif/core/package.json'))
    var platform = oclifRequire('is-wsl') ? 'wsl' : process.platform
    var arch = process.arch === 'ia32' ? 'x86' : process.arch
    process.stdout.write(pjson.name + '/' + pjson.version + ' ' + platform + '-' + arch + ' node-' + process.version + '\n')
    return
  }
  return import('../dist/lib/compile-cache.js')
    .then(function (cache) {
      cache.installCompileCache(process.env)
      return import('@oclif/core')
    })
    .then(function (oclif) {
      return oclif.execute({dir: import.meta.url})
    })
})

/** oclif loads plugins listed in <data dir>/package.json (its dir('data') rules); they may hook in. */
function userPluginsInstalled(require) {
  var path = require('node:path')
  var env = process.env
  var home = env.HOME || require('node:os').homedir()
  var base = env.XDG_DATA_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || path.join(home, '.local/share')
  var dir = env.TINK_DATA_DIR || path.join(base, 'tink-auth-cli')
  return require('node:fs').existsSync(path.join(dir, 'package.json'))
}
