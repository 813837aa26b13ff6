#!/usr/bin/env node
// Written in syntax every Node.js parses, and checked before anything else loads, so an old
// Node prints one line instead of a syntax error from a dependency.
var parts = process.versions.node.split('.').map(Number)
if (parts[0] < 20 || (parts[0] === 20 && (parts[1] < 18 || (parts[1] === 18 && parts[2] < 1)))) {
  process.stderr.write('tink needs Node.js 20.18.1 or newer; this is ' + process.version + '. Install a current Node.js LTS and try again.\n')
  process.exit(1)
}

import('@oclif/core').then(function (oclif) {
  return oclif.execute({dir: __dirname})
})
