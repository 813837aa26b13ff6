/**
 * When oclif would do more than tink's own code: debug logs (DEBUG, TINK_DEBUG), or plugins the
 * user installed (`tink plugins install` writes them to <data dir>/package.json, oclif's
 * dir('data') rules), which may hook into any command. The paths that skip oclif (--version, the
 * fast path, cached help) stand aside then. Only node: built-ins here, and CommonJS: bin/run.cjs
 * asks before anything else loads.
 */
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

export function oclifMayDoMore(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DEBUG || env.TINK_DEBUG) || userPluginsInstalled(env)
}

function userPluginsInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  const home = env.HOME || homedir()
  const base = env.XDG_DATA_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || join(home, '.local/share')
  const dir = env.TINK_DATA_DIR || join(base, 'tink-auth-cli')
  return existsSync(join(dir, 'package.json'))
}
