// The zsh completion script (scripts/completion.mjs builds the model): the same walk over the
// command line as the bash script, with zsh's own tools for what it shows (_describe: commands
// and flags with their descriptions; compset: --flag=value and the item after the last comma).
import {arr, caseOf, valueCases} from './completion-bash.mjs'

/** A `name:description` item for _describe (a colon in the name is escaped). */
const item = (name, desc) => `${name.replaceAll(':', '\\:')}:${desc}`

export function zshScript(model) {
  const {tree, commands} = model
  const next = caseOf(
    '$1',
    [...tree].map(([parent, children]) => [parent, `__tink_r=${arr([...children].map(([w, d]) => item(w, d)))}`]),
    '__tink_r=()',
  )
  const flags = caseOf(
    '$1',
    commands.map((c) => [c.id, `__tink_r=${arr(c.flags.flatMap((f) => f.names.map((n) => item(n, f.desc))))}`]),
    "__tink_r=('--help:Show help')",
  )
  const valueFunctions = valueCases(commands)
  return `#compdef tink
# zsh completion for tink: commands, flags and their values. Generated from tink's command
# definitions by scripts/completion.mjs (npm run build); print it with: tink completion zsh
# Load it from ~/.zshrc, after compinit, with:  eval "$(tink completion zsh)"
# or save it as _tink in a folder of $fpath.
compdef _tink tink

# The words that may follow a topic or command ("" is tink itself), as name:description.
__tink_next() {
${next}
}

# The flags of a command, as name:description.
__tink_flags() {
${flags}
}

${valueFunctions}

# Offers the values the lookup found; profile names come from tink itself (the config file: no
# network, no keychain; nothing on a failure). In a comma-separated list, the item after the last
# comma, without the ones already given.
__tink_offer() {
  local -a vals given
  if [[ $__tink_dyn == profiles ]]; then
    vals=(\${(f)"$(\${words[1]:-tink} __complete profiles 2>/dev/null </dev/null)"})
  else
    vals=("\${__tink_r[@]}")
  fi
  if [[ -n $__tink_list && $PREFIX == *,* ]]; then
    given=(\${(s:,:)PREFIX%,*})
    compset -P '*,'
    vals=(\${vals:|given})
  fi
  compadd -a vals
}

_tink() {
  local cmd= want= help= w flag i n=0 __tink_s __tink_list= __tink_dyn=
  local -a __tink_r names
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ -n $want ]]; then
      want=
      continue
    fi
    case $w in
      --*=*) ;;
      -*)
        __tink_vflags "$cmd"
        [[ $__tink_s == *" $w "* ]] && want=$w
        ;;
      *)
        __tink_next "$cmd"
        names=(\${__tink_r%%:*})
        if ((n == 0 && \${names[(Ie)$w]} > 0)); then
          cmd=\${cmd:+$cmd }$w
          # tink help COMMAND: the words after help name a command, as after tink.
          if [[ $cmd == help && -z $help ]]; then
            help=1
            cmd=
          fi
        else
          n=$((n + 1))
        fi
        ;;
    esac
  done
  __tink_r=()
  if [[ -n $help ]]; then
    if [[ $PREFIX == -* ]]; then
      __tink_flags help
      _describe -t flags flag __tink_r
    elif ((n == 0)); then
      __tink_next "$cmd"
      _describe -t commands command __tink_r
    fi
  elif [[ -n $want ]]; then
    if __tink_values "$cmd" "$want"; then __tink_offer; else _files; fi
  elif [[ $PREFIX == -*=* ]]; then
    flag=\${PREFIX%%=*}
    compset -P '*='
    if __tink_values "$cmd" "$flag"; then __tink_offer; else _files; fi
  elif [[ $PREFIX == -* ]]; then
    __tink_flags "$cmd"
    _describe -t flags flag __tink_r
  elif __tink_next "$cmd" && ((n == 0 && \${#__tink_r} > 0)); then
    _describe -t commands command __tink_r
  elif [[ -n $cmd ]]; then
    __tink_r=()
    if __tink_argvalues "$cmd" $((n + 1)); then __tink_offer; else _files; fi
  fi
}

# Loaded from $fpath as the function _tink: run it (sourced or eval'd, compdef above is all).
if [[ $funcstack[1] == _tink ]]; then
  _tink "$@"
fi
`
}
