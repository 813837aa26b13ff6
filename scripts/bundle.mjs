// Build step (npm run build, after tsc): bundles the fast path (dist/lib/fast.js and the modules
// it imports) into one CommonJS file, dist/lib/fast.bundle.cjs. One file instead of twenty ES
// modules, and CommonJS so tink's V8 code cache holds it: bin/run.cjs reaches a hot command
// without Node's ES module loader. Packages stay outside (node_modules, loaded as they are), and
// so do the CommonJS files of dist/lib that bin/run.cjs loads itself (one copy of each).
import {build} from 'esbuild'

await build({
  entryPoints: ['dist/lib/fast.js'],
  outfile: 'dist/lib/fast.bundle.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  external: ['./dist/lib/esm.cjs', './dist/lib/compile-cache.cjs', './dist/lib/user-plugins.cjs', './dist/lib/fast-plan.cjs'],
  // The modules find their package folder and node_modules from their own URL.
  define: {'import.meta.url': '__tink_module_url'},
  banner: {js: "var __tink_module_url = require('node:url').pathToFileURL(__filename).href;"},
  logLevel: 'warning',
})
