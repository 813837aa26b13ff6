/**
 * Where tink keeps its files on each OS: the one place that knows the platform folder rules.
 * The config folder follows env-paths' rules with no suffix (where conf writes); TINK_CONFIG_DIR
 * wins. The cache folder follows oclif's rules (TINK_CACHE_DIR, XDG_CACHE_HOME, Library/Caches).
 */
import {homedir} from 'node:os'
import {join} from 'node:path'

export const PROJECT_NAME = 'tink-auth-cli'

export type FolderKind = 'config' | 'cache'

export function appDir(kind: FolderKind, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const override = kind === 'config' ? env.TINK_CONFIG_DIR : env.TINK_CACHE_DIR
  if (override) return override
  const home = env.HOME && platform !== 'win32' ? env.HOME : homedir()
  if (platform === 'darwin') return join(home, 'Library', kind === 'config' ? 'Preferences' : 'Caches', PROJECT_NAME)
  if (platform === 'win32') {
    const base = kind === 'config' ? env.APPDATA || join(home, 'AppData', 'Roaming') : env.LOCALAPPDATA || join(home, 'AppData', 'Local')
    return join(base, PROJECT_NAME, kind === 'config' ? 'Config' : 'Cache')
  }
  const xdg = kind === 'config' ? env.XDG_CONFIG_HOME || join(home, '.config') : env.XDG_CACHE_HOME || join(home, '.cache')
  return join(xdg, PROJECT_NAME)
}

export function configDir(env: NodeJS.ProcessEnv): string {
  return appDir('config', env)
}
