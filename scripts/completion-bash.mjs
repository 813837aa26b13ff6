// The bash completion script (scripts/completion.mjs builds the model). Runs in bash 3.2 (macOS's)
// and later: no associative arrays, no mapfile; compopt only where it exists. It reads the command
// line from COMP_LINE up to the cursor, so a ":" or "=" inside a word (scopes, --flag=value) is
// part of the word, and trims what bash's COMP_WORDBREAKS already split off from each candidate.

/** A word for a shell: single-quoted unless plainly safe. */
export const q = (s) => (/^[A-Za-z0-9_./:,@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`)
export const arr = (values) => `(${values.map(q).join(' ')})`

/** A `case` over keys, one arm per distinct body, the keys of equal bodies sharing an arm (bash's and zsh's syntax alike). */
export function caseOf(subject, entries, fallback) {
  const arms = new Map()
  for (const [key, body] of entries) arms.set(body, [...(arms.get(body) ?? []), key])
  const lines = [...arms].map(([body, keys]) => `    ${keys.map(q).join('|')}) ${body} ;;`)
  if (fallback) lines.push(`    *) ${fallback} ;;`)
  return `  case ${subject} in\n${lines.join('\n')}\n  esac`
}

/** What a value completes to: sets __tink_r (and __tink_list, __tink_dyn); the false status is free text. */
export function valueBody(values) {
  if (values.dynamic) return `__tink_dyn=${values.dynamic}`
  return `__tink_r=${arr(values.values)}${values.list ? '; __tink_list=1' : ''}`
}

/**
 * The shell functions both scripts share: which flags of a command take a value (__tink_s), the
 * values of a flag (`"command --flag"`) and of a positional argument (`"command N"`).
 */
export function valueCases(commands) {
  const vflags = caseOf(
    '$1',
    [
      ...commands.map((c) => [
        c.id,
        `__tink_s=${q(
          ` ${c.flags
            .filter((f) => f.value)
            .flatMap((f) => f.names)
            .join(' ')} `,
        )}`,
      ]),
    ],
    "__tink_s=' '",
  )
  const values = caseOf(
    '"$1 $2"',
    commands.flatMap((c) => c.flags.filter((f) => f.values).flatMap((f) => f.names.map((n) => [`${c.id} ${n}`, valueBody(f.values)]))),
    'return 1',
  )
  const args = caseOf(
    '"$1 $2"',
    commands.flatMap((c) => c.args.flatMap((a, i) => (a.values ? [[`${c.id} ${i + 1}`, valueBody(a.values)]] : []))),
    'return 1',
  )
  return `# The flags of a command that take a value, space-separated with a space at both ends.
__tink_vflags() {
${vflags}
}

# The values of a flag of a command; false when any text goes.
__tink_values() {
${values}
}

# The values of the Nth argument of a command; false when any text goes.
__tink_argvalues() {
${args}
}`
}

export function bashScript(model) {
  const {tree, commands} = model
  const next = caseOf(
    '$1',
    [...tree].map(([parent, children]) => [parent, `__tink_r=${arr([...children.keys()])}`]),
    '__tink_r=()',
  )
  const flags = caseOf('$1', [...commands.map((c) => [c.id, `__tink_r=${arr(c.flags.flatMap((f) => f.names))}`])], '__tink_r=(--help)')
  const valueFunctions = valueCases(commands)
  return `# bash completion for tink: commands, flags and their values. Generated from tink's command
# definitions by scripts/completion.mjs (npm run build); print it with: tink completion bash
# Load it from ~/.bashrc with:  eval "$(tink completion bash)"
# or save it as ~/.local/share/bash-completion/completions/tink (with the bash-completion package).

# The words that may follow a topic or command ("" is tink itself).
__tink_next() {
${next}
}

# The flags of a command.
__tink_flags() {
${flags}
}

${valueFunctions}

# Profile names, from the config file by tink itself: no network, no keychain; nothing on a failure.
__tink_profiles() {
  local p
  __tink_r=()
  while IFS= read -r p; do
    [[ -n $p ]] && __tink_r+=("$p")
  done < <("\${words[0]:-tink}" __complete profiles 2>/dev/null </dev/null)
}

# Free text: let bash complete file names, as it would without tink's completion.
__tink_default() {
  type compopt >/dev/null 2>&1 && compopt -o default 2>/dev/null
  return 0
}

# Adds to cands the values of $1 (the flag's or argument's lookup, already run) matching $2, each
# prefixed with $3; in a comma-separated list, the item after the last comma, skipping given ones.
__tink_offer() {
  if [[ $__tink_dyn == profiles ]]; then __tink_profiles; fi
  local head= item=$2 v
  if [[ -n $__tink_list && $2 == *,* ]]; then
    head=\${2%,*},
    item=\${2##*,}
  fi
  for v in "\${__tink_r[@]}"; do
    [[ $v == "$item"* ]] || continue
    [[ -n $head && ,$head == *",$v,"* ]] && continue
    cands+=("$3$head$v")
  done
}

_tink() {
  # Words split at blanks, whatever IFS the user's shell has.
  local IFS=$' \\t\\n' line=\${COMP_LINE:0:COMP_POINT} cur= cmd= want= help= w i n=0 __tink_s __tink_list __tink_dyn
  local -a words cands __tink_r
  read -r -a words <<<"$line"
  case $line in
    *[[:space:]]) ;;
    *) if ((\${#words[@]} > 1)); then
      cur=\${words[\${#words[@]} - 1]}
      unset "words[\${#words[@]} - 1]"
    fi ;;
  esac
  for ((i = 1; i < \${#words[@]}; i++)); do
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
        if ((n == 0)) && [[ " \${__tink_r[*]} " == *" $w "* ]]; then
          cmd=\${cmd:+$cmd }$w
          # tink help COMMAND: the words after help name a command, as after tink.
          if [[ $cmd == help && -z $help ]]; then help=1 cmd=; fi
        else
          n=$((n + 1))
        fi
        ;;
    esac
  done
  __tink_r=() __tink_list= __tink_dyn=
  if [[ -n $help ]]; then
    if [[ $cur == -* ]]; then
      __tink_flags help
    elif ((n == 0)); then
      __tink_next "$cmd"
    fi
    __tink_offer "$cmd" "$cur" ''
  elif [[ -n $want ]]; then
    if __tink_values "$cmd" "$want"; then __tink_offer "$cmd" "$cur" ''; else __tink_default; fi
  elif [[ $cur == -*=* ]]; then
    if __tink_values "$cmd" "\${cur%%=*}"; then __tink_offer "$cmd" "\${cur#*=}" "\${cur%%=*}="; else __tink_default; fi
  elif [[ $cur == -* ]]; then
    __tink_flags "$cmd"
    __tink_offer "$cmd" "$cur" ''
  elif __tink_next "$cmd" && ((n == 0 && \${#__tink_r[@]} > 0)); then
    __tink_offer "$cmd" "$cur" ''
  elif [[ -n $cmd ]]; then
    __tink_r=()
    if __tink_argvalues "$cmd" "$((n + 1))"; then __tink_offer "$cmd" "$cur" ''; else __tink_default; fi
  fi
  # bash replaces only the part of the word after its last word-break character (":" and "=" by default).
  local wb=\${COMP_WORDBREAKS-} cut= j
  for ((j = \${#cur} - 1; j >= 0; j--)); do
    if [[ $wb == *"\${cur:j:1}"* ]]; then
      cut=\${cur:0:j+1}
      break
    fi
  done
  COMPREPLY=()
  for w in "\${cands[@]}"; do COMPREPLY+=("\${w#"$cut"}"); done
  return 0
}

complete -F _tink tink
`
}
