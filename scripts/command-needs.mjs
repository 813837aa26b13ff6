// Build step (scripts/bundle.mjs runs it, after tsc): what each command declared it needs before
// the bundle loads (`command({needs})`: whether every run sends a request, whether it may
// read the keychain), read from the built command classes into dist/command-needs.json. bin/run.cjs
// (the V8 flag) and the bundle's entry (the keychain warm-up) read that table: a new command's
// declaration is all it takes (src/lib/cli/command-needs.cts).
import {readdirSync, writeFileSync} from 'node:fs'
import {join, resolve, sep} from 'node:path'
import {pathToFileURL} from 'node:url'

/** Command id (as oclif names a file under the commands folder) to the needs its class declares. */
export async function collectNeeds(dir) {
  const table = {}
  const files = readdirSync(dir, {recursive: true})
    .filter((f) => f.endsWith('.js'))
    .sort()
  for (const f of files) {
    const parts = f.slice(0, -3).split(sep)
    if (parts.at(-1) === 'index') parts.pop()
    const command = (await import(pathToFileURL(resolve(dir, f)).href)).default
    const needs = command?.needs ?? {}
    const declared = Object.fromEntries(
      Object.entries({request: needs.request, keychain: needs.keychain || undefined, steady: needs.steady}).filter(([, v]) => v !== undefined),
    )
    if (Object.keys(declared).length > 0) table[parts.join(':')] = declared
  }
  return table
}

/** Writes the table of `commandsDir` to `out`; returns it. */
export async function writeNeeds(commandsDir, out) {
  const table = await collectNeeds(commandsDir)
  writeFileSync(out, JSON.stringify(table, null, 2) + '\n')
  return table
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await writeNeeds('dist/commands', join('dist', 'command-needs.json'))
