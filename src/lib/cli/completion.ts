/**
 * Shell completion, the way gh does it: `tink completion bash|zsh` prints a script made at build
 * time from the command definitions and Tink's lists (scripts/completion.mjs writes
 * dist/completion/), and the script asks the hidden `tink __complete profiles` for the one list
 * that lives in the user's files. Both run on a TAB or at shell start: no network, no keychain.
 */
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {usageError} from '../errors/cli-error.js'
import type {ProfileStore} from '../config/profiles.js'

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const
export type CompletionShell = (typeof COMPLETION_SHELLS)[number]

/** The dynamic lists the completion scripts ask for. */
export const COMPLETION_LISTS = ['profiles'] as const

/** The generated script's file, found from this module up: dist/ in the tarball and in the work tree. */
export function completionScriptPath(shell: CompletionShell): string | undefined {
  const file = join('dist', 'completion', `tink.${shell}`)
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, file))) return join(dir, file)
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

/** The script `tink completion SHELL` prints. */
export function completionScript(shell: CompletionShell): string {
  const path = completionScriptPath(shell)
  if (path === undefined) throw usageError(`No ${shell} completion script in this installation`, 'Reinstall tink, or run npm run build in a work tree')
  return readFileSync(path, 'utf8')
}

/**
 * The profile names for `tink __complete profiles`, from the config file alone. A missing or
 * broken config file is no names and no message: whatever is printed lands in the user's command line.
 */
export function profileNames(store: () => ProfileStore): string[] {
  try {
    return store().names()
  } catch {
    return []
  }
}
