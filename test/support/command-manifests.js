// The commands a user can run, as the tests of help and of the examples go through them: read from
// oclif.manifest.json (and the manifests of the plugins named in package.json), so a new command
// is checked the day it lands. `help` is @oclif/plugin-help's command, bundled into tink's own
// (scripts/bundle.mjs): listed as a plugin's command.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT} from '../helpers.js'

export const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const BUNDLED = {help: '@oclif/plugin-help'}
const manifestCommands = Object.values(JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands)
/** tink's own commands. */
export const own = manifestCommands.filter((c) => !BUNDLED[c.id])
/** The commands of the bundled plugin and of the plugins package.json names, by plugin. */
export const plugins = [
  ...Object.entries(BUNDLED).map(([id, name]) => ({name, commands: manifestCommands.filter((c) => c.id === id)})),
  ...(pkg.oclif.plugins ?? []).map((name) => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'oclif.manifest.json'), 'utf8'))
    return {name, commands: Object.values(manifest.commands).filter((c) => !c.hidden)}
  }),
]
export const spaced = (id) => id.replaceAll(':', ' ')

/** An example as the user reads it in --help: templates filled in. */
export function expand(example, command) {
  const raw = typeof example === 'string' ? example : example.command
  return raw.replace(/^\$ /, '').replaceAll('<%= config.bin %>', 'tink').replaceAll('<%= command.id %>', spaced(command.id))
}
