import {Args} from '@oclif/core'
import {command} from '../lib/cli/base-command.js'
import {COMPLETION_SHELLS, completionScript, type CompletionShell} from '../lib/cli/completion.js'
import type {Factory, Outcome} from '../lib/cli/factory.js'

const args = {shell: Args.string({description: 'The shell: bash or zsh', options: [...COMPLETION_SHELLS], required: true})}

export default class Completion extends command({args, baseFlags: {}, usesProfiles: false}) {
  static override summary = 'Print the tab-completion script for bash or zsh: commands, flags, and values (profiles, markets, locales, flows, scopes, events).'
  static override description = `Load it in your shell's startup file, or save it where the shell loads completions:

  bash (~/.bashrc):  eval "$(tink completion bash)"
  zsh (~/.zshrc, after compinit):  eval "$(tink completion zsh)"

Profile names are completed from your config file; nothing is sent over the network and the keychain is not read.`
  static override examples = [
    {description: 'The bash script (load it from ~/.bashrc with: eval "$(tink completion bash)")', command: '<%= config.bin %> <%= command.id %> bash'},
    {description: 'The zsh script, saved as _tink (move it to a folder of $fpath)', command: '<%= config.bin %> <%= command.id %> zsh > _tink'},
  ]

  protected async main(f: Factory): Promise<Outcome<{shell: string; script: string}>> {
    const shell = this.args.shell as CompletionShell
    const script = completionScript(shell)
    if (!f.json) f.io.stdout.write(script)
    return {result: {shell, script}}
  }
}
