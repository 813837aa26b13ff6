// Tab completion as a shell does it: the script `tink completion bash` prints is sourced in a bare
// bash (--norc), the completion function runs with COMP_LINE, COMP_POINT, COMP_WORDS and COMP_CWORD
// set as readline sets them, and COMPREPLY is what TAB would offer. zsh's script runs in zsh's
// own completion system (compinit, a TAB typed on a pseudo-terminal through zsh/zpty). Expected
// values come from the lists tink keeps (dist/lib), so the test fails when a list and its
// completion part ways.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {before, describe, test} from 'node:test'
import {pathToFileURL} from 'node:url'
import {BIN, cleanEnv, ROOT, runCli, tempDir} from '../helpers.js'

const lib = (file) => import(pathToFileURL(join(ROOT, 'dist', 'lib', file)).href)
const {TINK_MARKETS, TINK_LOCALES} = await lib('tink/markets.js')
const {flowsForUser, flowsOneTime, LINK_PRODUCTS} = await lib('tink/link-flows.js')
const {TINK_EVENTS} = await lib('webhook/events.js')
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'))
const visible = Object.values(manifest.commands).filter((c) => !c.hidden)

const PROFILES = {active: 'eu-prod', profiles: {'eu-prod': {clientId: 'a', storage: 'keychain'}, 'eu-stage': {clientId: 'b', storage: 'file'}, 'us-test': {clientId: 'c', storage: 'keychain'}}}

/** A folder with `tink` on PATH (what npm install -g puts there) and the config folders the runs use. */
function world() {
  const base = tempDir('tink-completion-')
  mkdirSync(join(base, 'bin'))
  writeFileSync(join(base, 'bin', 'tink'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`)
  chmodSync(join(base, 'bin', 'tink'), 0o755)
  const config = (name, text) => {
    mkdirSync(join(base, name))
    if (text !== undefined) writeFileSync(join(base, name, 'config.json'), text)
    return join(base, name)
  }
  return {
    base,
    profiles: config('profiles', JSON.stringify(PROFILES)),
    broken: config('broken', '{"profiles": {"eu-prod"'),
    none: config('none'),
    env: (configDir) =>
      cleanEnv({
        TINK_CONFIG_DIR: configDir,
        PATH: `${join(base, 'bin')}:${process.env.PATH}`,
        // No keychain and no network for a TAB: a D-Bus address and a proxy that lead nowhere change nothing.
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
        HTTPS_PROXY: 'http://127.0.0.1:9',
      }),
  }
}

/** COMP_WORDS as readline splits the line: at blanks, and around runs of COMP_WORDBREAKS characters. */
function compWords(line) {
  const breaks = `"'><=;|&(:`
  const words = []
  let word = ''
  let inBreak = false
  for (const ch of line) {
    if (/\s/.test(ch)) {
      if (word !== '') words.push(word)
      word = ''
      continue
    }
    const isBreak = breaks.includes(ch)
    if (word !== '' && isBreak !== inBreak) {
      words.push(word)
      word = ''
    }
    inBreak = isBreak
    word += ch
  }
  words.push(word)
  return words
}

const sq = (s) => `'${s.replaceAll("'", `'\\''`)}'`

/**
 * What bash's TAB offers at the end of each line: COMPREPLY, as bash puts it in place of the text
 * after the word's last break character. Also the run's stdout and stderr, which must stay empty.
 */
async function bashComplete(script, lines, env, prelude = '') {
  const calls = lines.map((line) => {
    const words = compWords(line)
    return [
      `COMP_LINE=${sq(line)}; COMP_POINT=${line.length}`,
      `COMP_WORDS=(${words.map(sq).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=()`,
      `_tink tink ${sq(words.at(-1))} ${sq(words.at(-2) ?? '')}`,
      `printf '%s\\037' "\${COMPREPLY[@]}" >&3; printf '\\036' >&3`,
    ].join('\n')
  })
  const program = `${prelude}\nsource ${sq(script)}\n${calls.join('\n')}\n`
  const r = await run('bash', ['--norc', '--noprofile', '-c', program], env)
  assert.equal(r.code, 0, r.stderr)
  const replies = r.fd3.split('\x1e').slice(0, lines.length)
  return {replies: replies.map((x) => x.split('\x1f').filter((w) => w !== '')), stdout: r.stdout, stderr: r.stderr}
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'pipe']})
    const out = ['', '', '']
    ;[child.stdout, child.stderr, child.stdio[3]].forEach((s, i) => s.setEncoding('utf8').on('data', (d) => (out[i] += d)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout: out[0], stderr: out[1], fd3: out[2]})
    })
  })
}

const sorted = (a) => [...a].sort()

describe('tink completion bash', () => {
  const w = world()
  const script = join(w.base, 'tink.bash')
  before(async () => {
    const r = await runCli(['completion', 'bash'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, '')
    writeFileSync(script, r.stdout)
  })

  test('commands and topics complete, hidden ones do not; flags complete per command', async () => {
    const {replies, stdout, stderr} = await bashComplete(
      script,
      ['tink ', 'tink to', 'tink token ', 'tink profile u', 'tink user create --if', 'tink token get --sc', 'tink __', 'tink au', 'tink help to', 'tink help token g', 'tink help token get '],
      w.env(w.none),
    )
    const top = sorted(new Set(visible.map((c) => c.id.split(':')[0])))
    assert.deepEqual(sorted(replies[0]), top)
    assert.ok(top.includes('completion') && !top.includes('__complete') && !top.includes('autocomplete'))
    assert.deepEqual(replies[1], ['token'])
    assert.deepEqual(sorted(replies[2]), ['clear', 'get', 'inspect', 'revoke'])
    assert.deepEqual(replies[3], ['use'])
    assert.deepEqual(replies[4], ['--if-exists'])
    assert.deepEqual(replies[5], ['--scope'])
    assert.deepEqual(replies[6], [], 'the hidden __complete is not offered')
    assert.deepEqual(replies[7], [])
    assert.deepEqual([replies[8], replies[9], replies[10]], [['token'], ['get'], []], 'tink help completes the command it explains')
    assert.equal(stdout + stderr, '', 'nothing on the terminal but the completions')
  })

  test('every flag of every command completes after --', async () => {
    const lines = visible.map((c) => `tink ${c.id.replaceAll(':', ' ')} --`)
    const {replies} = await bashComplete(script, lines, w.env(w.none))
    visible.forEach((c, i) => {
      const expected = Object.entries(c.flags)
        .filter(([, f]) => !f.hidden)
        .map(([name]) => `--${name}`)
      for (const flag of expected) assert.ok(replies[i].includes(flag), `${lines[i]} offers ${flag}: ${replies[i].join(' ')}`)
    })
  })

  test("flag values from tink's lists: markets, locales, regions, flows, products, scopes, events, options", async () => {
    const cases = [
      ['tink user create --market S', sorted([...TINK_MARKETS].filter((m) => m.startsWith('S')))],
      ['tink user create -m ', sorted(TINK_MARKETS)],
      ['tink link url --market=G', ['GB']],
      ['tink user create --locale sv', ['sv_SE']],
      ['tink profile add x --locale ', sorted(TINK_LOCALES)],
      ['tink token get --region ', ['eu', 'us']],
      ['tink grant delegate --flow ', sorted(flowsForUser())],
      ['tink link url --flow ', sorted(flowsOneTime())],
      ['tink link url --flow account-check/c', ['account-check/connect', 'account-check/create-report']],
      ['tink link url --products ', sorted(LINK_PRODUCTS)],
      // A comma-separated list: the item after the last comma, without the ones given.
      ['tink link url --products ACCOUNT_CHECK,', sorted(LINK_PRODUCTS.filter((p) => p !== 'ACCOUNT_CHECK').map((p) => `ACCOUNT_CHECK,${p}`))],
      // ":" and "=" break words for bash: it replaces only the text after the last one.
      ['tink token get --scope user:c', ['create']],
      ['tink token get --scope accounts:read,user:', ['create', 'delete', 'read', 'write']],
      ['tink token get --scope user:read,user:', ['create', 'delete', 'write']],
      ['tink grant create -s transactions:', ['read']],
      ['tink token get --scope=user:d', ['delete']],
      ['tink webhook create --events ', sorted(Object.keys(TINK_EVENTS))],
      ['tink webhook update wh1 --events refresh:finished,account:', ['created', 'updated']],
      ['tink emulator trigger ', sorted(Object.keys(TINK_EVENTS))],
      ['tink user create --if-exists ', ['fail', 'ok']],
      ['tink user create --adaptive o', ['off', 'on']],
      ['tink user delete --format ', ['csv', 'ndjson']],
      ['tink user create --retention-class T', ['TEMPORARY']],
      ['tink link connect --theme ', ['DARK', 'LIGHT']],
      ['tink link connect --refreshable-items CHECKING_A', ['CHECKING_ACCOUNTS']],
      ['tink completion ', ['bash', 'zsh']],
      // A value is not a command word, and a flag's value is not an argument.
      ['tink user create --market SE --l', ['--locale']],
      ['tink token get --market S', []],
      ['tink user create --market XX', []],
    ]
    const {replies, stdout, stderr} = await bashComplete(
      script,
      cases.map(([line]) => line),
      w.env(w.none),
    )
    cases.forEach(([line, expected], i) => assert.deepEqual(sorted(replies[i]), expected, line))
    assert.ok(replies[0].includes('SE'))
    assert.equal(stdout + stderr, '')
  })

  test('profile names come from the config file, for -p/--profile and the profile commands', async () => {
    const lines = [
      'tink token get -p ',
      'tink token get --profile eu-',
      'tink token get --profile=u',
      'tink user create -e x -p e',
      'tink profile use ',
      'tink profile remove eu-s',
      'tink profile set ',
      'tink profile set eu-prod ',
    ]
    const {replies, stdout, stderr} = await bashComplete(script, lines, w.env(w.profiles))
    const names = Object.keys(PROFILES.profiles).sort()
    assert.deepEqual(replies, [names, ['eu-prod', 'eu-stage'], ['us-test'], ['eu-prod', 'eu-stage'], names, ['eu-stage'], names, []])
    assert.equal(stdout + stderr, '')
  })

  test("the user's shell options do not change what completes (IFS, nounset)", async () => {
    const {replies, stdout, stderr} = await bashComplete(script, ['tink token get --scope user:c', 'tink token '], w.env(w.none), 'IFS=:; set -u')
    assert.deepEqual(replies, [['create'], ['clear', 'get', 'inspect', 'revoke']])
    assert.equal(stdout + stderr, '')
  })

  test('a broken or missing config file completes no profile and prints nothing', async () => {
    for (const dir of [w.broken, w.none]) {
      const {replies, stdout, stderr} = await bashComplete(script, ['tink token get -p ', 'tink profile use '], w.env(dir))
      assert.deepEqual(replies, [[], []])
      assert.equal(stdout + stderr, '')
    }
  })
})

describe('tink completion zsh', () => {
  const zsh = spawnSync('zsh', ['--version']).status === 0
  const skip = zsh ? false : 'zsh is not installed (apt-get install zsh; .ci/run installs it)'
  const w = world()
  const script = join(w.base, '_tink')
  // TAB typed on a pseudo-terminal in an interactive zsh with compinit; compadd is wrapped to
  // print each match it is given (with the prefix compset set aside), then do its work. The
  // markers are split in what is typed ("<MAT""CH>"): the terminal echoes it, and only zsh's
  // output may match.
  const capture = join(w.base, 'capture.zsh')
  writeFileSync(
    capture,
    `zmodload zsh/zpty || exit 1
setup=$1; shift
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''; $setup"
zpty -w z 'compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  local -a hits; local h
  builtin compadd -A hits "$@"
  for h in $hits; do print -r -- "<MAT""CH>$IPREFIX$h"; done
  builtin compadd "$@"
}'
zpty -w z '__nolist() { compstate[list]=; compstate[insert]=; }; __done() { print -r -- "<DO""NE>"; }'
zpty -w z '__capture() { compprefuncs=(__nolist); comppostfuncs=(__done); zle complete-word; }; zle -N __capture; bindkey "^I" __capture'
zpty -w z 'print -r -- "<REA""DY>"'
zpty -r z out '*<READY>*'
for line in "$@"; do
  zpty -n -w z "$line"$'\\t'
  zpty -r z out '*<DONE>*'
  print -r -- "<LINE>"
  print -r -- "$out" | tr -d '\\r' | grep -ao '<MATCH>.*'
  zpty -n -w z $'\\C-u'
done
zpty -d z
`,
  )
  /** `setup` loads the script as a user would (compinit is run before it). */
  async function zshComplete(setup, lines, env) {
    const r = await run('zsh', ['-f', capture, setup, ...lines], env)
    assert.equal(r.code, 0, r.stderr)
    return r.stdout
      .split('<LINE>\n')
      .slice(1)
      .map((block) =>
        block
          .split('\n')
          .filter((l) => l.startsWith('<MATCH>'))
          .map((l) => l.slice('<MATCH>'.length)),
      )
  }
  before(async () => {
    const r = await runCli(['completion', 'zsh'])
    assert.equal(r.code, 0, r.stderr)
    mkdirSync(join(w.base, 'functions'))
    writeFileSync(script, r.stdout)
    writeFileSync(join(w.base, 'functions', '_tink'), r.stdout)
  })

  test('the script parses (zsh -n)', {skip}, () => {
    const r = spawnSync('zsh', ['-n', script], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
  })

  test("commands, flags, values from tink's lists and profile names, through compinit", {skip}, async () => {
    const cases = [
      ['tink to', ['token']],
      ['tink token ', ['clear', 'get', 'inspect', 'revoke']],
      ['tink user create --if', ['--if-exists']],
      ['tink user create --market S', sorted([...TINK_MARKETS].filter((m) => m.startsWith('S')))],
      ['tink user create --locale sv', ['sv_SE']],
      ['tink grant delegate --flow ', sorted(flowsForUser())],
      ['tink token get --scope user:c', ['user:create']],
      ['tink token get --scope accounts:read,user:', ['accounts:read,user:create', 'accounts:read,user:delete', 'accounts:read,user:read', 'accounts:read,user:write']],
      ['tink token get --scope=user:d', ['--scope=user:delete']],
      ['tink webhook create --events account:', ['account:created', 'account:updated']],
      ['tink user create --if-exists ', ['fail', 'ok']],
      ['tink completion ', ['bash', 'zsh']],
      ['tink help token g', ['get']],
      ['tink token get -p ', Object.keys(PROFILES.profiles).sort()],
      ['tink profile use eu-', ['eu-prod', 'eu-stage']],
    ]
    // As the README says: eval in ~/.zshrc after compinit.
    const replies = await zshComplete(
      'autoload -U compinit && compinit -u -D && eval "$(tink completion zsh)"',
      cases.map(([line]) => line),
      w.env(w.profiles),
    )
    cases.forEach(([line, expected], i) => assert.deepEqual(sorted(replies[i] ?? []), expected, line))
  })

  test('saved as _tink in a folder of $fpath, compinit loads it on the first TAB', {skip}, async () => {
    const replies = await zshComplete(
      `fpath=(${join(w.base, 'functions')} $fpath); autoload -U compinit && compinit -u -D`,
      ['tink to', 'tink token get --scope user:c', 'tink profile use '],
      w.env(w.profiles),
    )
    assert.deepEqual(replies, [['token'], ['user:create'], Object.keys(PROFILES.profiles).sort()])
  })
})

describe('the completion commands', () => {
  test('tink completion prints the built script; another shell is a usage error', async () => {
    const bash = await runCli(['completion', 'bash'])
    assert.equal(bash.stdout, readFileSync(join(ROOT, 'dist', 'completion', 'tink.bash'), 'utf8'))
    assert.match(bash.stdout, /^complete -F _tink tink$/m)
    const zsh = await runCli(['completion', 'zsh'])
    assert.match(zsh.stdout, /^#compdef tink\n/)
    const json = await runCli(['completion', 'bash', '--json'])
    assert.deepEqual(JSON.parse(json.stdout), {shell: 'bash', script: bash.stdout})
    const fish = await runCli(['completion', 'fish'])
    assert.equal(fish.code, 2)
    assert.equal(fish.stdout, '')
    assert.match(fish.stderr, /bash, zsh/)
  })

  test('tink __complete is hidden from help and the README, and reads neither keychain nor network', async () => {
    const help = await runCli(['--help'])
    assert.doesNotMatch(help.stdout, /__complete/)
    assert.doesNotMatch(readFileSync(join(ROOT, 'README.md'), 'utf8'), /__complete/)
    // Declared needs decide the keychain warm-up and the V8 flag before the bundle loads: none for a TAB.
    const needs = JSON.parse(readFileSync(join(ROOT, 'dist', 'command-needs.json'), 'utf8'))
    assert.equal(needs.__complete, undefined)
    assert.equal(needs.completion, undefined)
    const w = world()
    const r = await runCli(['__complete', 'profiles'], {env: {TINK_CONFIG_DIR: w.profiles, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', HTTPS_PROXY: 'http://127.0.0.1:9'}})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, 'eu-prod\neu-stage\nus-test\n')
    assert.equal(r.stderr, '')
  })
})
