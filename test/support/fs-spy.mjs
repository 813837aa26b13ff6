// Loaded into the CLI with NODE_OPTIONS=--import: records every file the process creates, with
// the flags and mode it asked the kernel for, and every chmod/rename, into the JSON file named
// by TINK_TEST_FS_LOG when the process exits. The real fs calls still run unchanged: this only
// lets a test see *how* a secret file came to be (created 0600 from the start, or widened and
// narrowed after), which the finished file's mode cannot tell.
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'

const out = process.env.TINK_TEST_FS_LOG
const calls = []
const write = fs.writeFileSync

function wrap(obj, name, describe) {
  const real = obj[name]
  if (typeof real !== 'function') return
  obj[name] = function (...args) {
    try {
      calls.push({call: name, ...describe(...args)})
    } catch {
      // recording must never change what the CLI does
    }
    return real.apply(this, args)
  }
}

const str = (p) => (typeof p === 'string' ? p : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : String(p))
const flagsOf = (f) => (f === undefined ? 'r' : f)
const modeOf = (m) => (typeof m === 'number' ? m : typeof m === 'object' && m ? m.mode : undefined)

if (out) {
  wrap(fs, 'openSync', (p, flags, mode) => ({path: str(p), flags: flagsOf(flags), mode}))
  wrap(fs, 'open', (p, flags, mode) => ({path: str(p), flags: typeof flags === 'function' ? 'r' : flagsOf(flags), mode: typeof mode === 'function' ? undefined : mode}))
  wrap(fs.promises, 'open', (p, flags, mode) => ({path: str(p), flags: flagsOf(flags), mode}))
  wrap(fs, 'writeFileSync', (p, _d, o) => ({path: str(p), flags: (typeof o === 'object' && o?.flag) || 'w', mode: modeOf(o)}))
  wrap(fs, 'writeFile', (p, _d, o) => ({path: str(p), flags: (typeof o === 'object' && o?.flag) || 'w', mode: typeof o === 'function' ? undefined : modeOf(o)}))
  wrap(fs.promises, 'writeFile', (p, _d, o) => ({path: str(p), flags: (typeof o === 'object' && o?.flag) || 'w', mode: modeOf(o)}))
  wrap(fs, 'appendFileSync', (p, _d, o) => ({path: str(p), flags: 'a', mode: modeOf(o)}))
  wrap(fs, 'chmodSync', (p, mode) => ({path: str(p), mode}))
  wrap(fs, 'chmod', (p, mode) => ({path: str(p), mode}))
  wrap(fs.promises, 'chmod', (p, mode) => ({path: str(p), mode}))
  wrap(fs, 'renameSync', (a, b) => ({path: str(a), to: str(b)}))
  wrap(fs, 'rename', (a, b) => ({path: str(a), to: str(b)}))
  wrap(fs.promises, 'rename', (a, b) => ({path: str(a), to: str(b)}))
  wrap(fs, 'mkdirSync', (p, o) => ({path: str(p), mode: modeOf(o)}))
  syncBuiltinESMExports()
  process.on('exit', () => write(out, JSON.stringify(calls)))
}
