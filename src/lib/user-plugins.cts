/**
 * Whether the user installed oclif plugins for tink (`tink plugins install` writes them to
 * <data dir>/package.json, oclif's dir('data') rules). They may hook into any command, so the
 * paths that skip oclif (--version, the fast path, cached help) stand aside when they exist.
 * Only node: built-ins here, and CommonJS: bin/run.cjs asks before anything else loads.
 */
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

export function userPluginsInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const home = env.HOME || homedir()
  const base = env.XDG_DATA_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || join(home, '.local/share')
  const dir = env.TINK_DATA_DIR || join(base, 'tink-auth-cli')
  return existsSync(join(dir, 'package.json'))
}
