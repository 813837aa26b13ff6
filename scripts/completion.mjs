// Build step (npm run build, after `oclif manifest`): the completion scripts `tink completion bash|zsh`
// prints, dist/completion/tink.bash and tink.zsh, made from the command definitions
// (oclif.manifest.json: commands, topics, flags and their `options`) and the lists tink already
// keeps (src/lib/tink, src/lib/webhook, built into dist/lib): never a copy of them. Profile names
// live in the user's config file: the scripts ask `tink __complete profiles` for them.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {bashScript} from './completion-bash.mjs'
import {zshScript} from './completion-zsh.mjs'

const lib = (file) => import(pathToFileURL(join('dist', 'lib', file)).href)
const {REGIONS, RETENTION_CLASSES, joinScopes} = await lib('tink/validate.js')
const {TINK_MARKETS, TINK_LOCALES} = await lib('tink/markets.js')
const {LINK_FLOWS, LINK_PRODUCTS, LINK_THEMES, TRANSACTIONS_ITEMS, ACCOUNT_CHECK_ITEMS, flowsForUser, flowsOneTime} = await lib('tink/link-flows.js')
const {SCOPE_TABLE, CLIENT_SCOPES} = await lib('tink/scopes.js')
const {TINK_LINK_SCOPES} = await lib('tink/api.js')
const {TINK_EVENTS} = await lib('webhook/events.js')
const {WEBHOOK_SCOPE} = await lib('webhook/endpoints.js')

const distinct = (values) => [...new Set(values)]
/** Every scope tink names (per API path, Tink Link's, its own client tokens'), as far as --scope accepts it. */
const scopes = distinct([...SCOPE_TABLE.map(([, , s]) => s), TINK_LINK_SCOPES, ...Object.values(CLIENT_SCOPES), WEBHOOK_SCOPE].flatMap((s) => s.split(',')))
  .filter((s) => {
    try {
      return joinScopes([s]) === s
    } catch {
      return false
    }
  })
  .sort()
const PROFILES = {dynamic: 'profiles'}
const EVENTS = {values: Object.keys(TINK_EVENTS), list: true}

/**
 * What each flag's value is, by flag name (the same name means the same thing in every command);
 * `per` narrows it for a command. `list`: a comma-separated list, completed after the last comma.
 * A flag with oclif `options` needs no row: the manifest has its values.
 */
const FLAG_VALUES = {
  profile: PROFILES,
  region: {values: Object.keys(REGIONS)},
  market: {values: [...TINK_MARKETS].sort()},
  locale: {values: TINK_LOCALES},
  flow: {values: LINK_FLOWS, per: {'grant:delegate': flowsForUser(), 'link:url': flowsOneTime()}},
  products: {values: LINK_PRODUCTS, list: true},
  'refreshable-items': {values: distinct([...TRANSACTIONS_ITEMS, ...ACCOUNT_CHECK_ITEMS]), list: true},
  theme: {values: LINK_THEMES},
  scope: {values: scopes, list: true},
  events: EVENTS,
  'retention-class': {values: RETENTION_CLASSES},
}
/** Positional arguments with a closed list, by command id and argument name (arguments with oclif `options` need no row). */
const ARG_VALUES = {
  'profile:use': {name: PROFILES},
  'profile:show': {name: PROFILES},
  'profile:remove': {name: PROFILES},
  'profile:set': {name: PROFILES},
  'profile:status': {name: PROFILES},
  'emulator:trigger': {event: {values: Object.keys(TINK_EVENTS)}},
}

/** The first sentence of a description, on one line: what zsh shows beside a candidate. */
const brief = (text = '') =>
  text
    .replaceAll('<%= config.bin %>', 'tink')
    .split('\n')[0]
    .replace(/\s+/g, ' ')
    .replace(/\. .*$/, '')
    .replace(/\.$/, '')
    .trim()

/** The completion model: the command tree (topics and commands, with descriptions) and each command's flags and arguments. */
export function completionModel(manifest, topics) {
  const commands = Object.values(manifest.commands)
    .filter((c) => !c.hidden)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
  const used = new Set()
  const tree = new Map([['', new Map()]])
  for (const c of commands) {
    const words = c.id.split(':')
    for (let i = 0; i < words.length; i++) {
      const parent = words.slice(0, i).join(' ')
      const path = words.slice(0, i + 1).join(' ')
      if (!tree.has(parent)) tree.set(parent, new Map())
      const isCommand = i === words.length - 1
      const desc = isCommand ? brief(c.summary ?? c.description) : brief(topics[words.slice(0, i + 1).join(':')]?.description)
      if (!tree.get(parent).has(words[i]) || isCommand) tree.get(parent).set(words[i], desc)
      if (!isCommand && !tree.has(path)) tree.set(path, new Map())
    }
  }
  const valuesOf = (id, name, flag) => {
    const row = FLAG_VALUES[name]
    if (row) used.add(`flag ${name}`)
    if (flag.options?.length) {
      if (row) throw new Error(`scripts/completion.mjs: --${name} of ${id} has oclif options and a FLAG_VALUES row: keep one`)
      return {values: flag.options}
    }
    if (!row) return undefined
    return row.per?.[id] ? {...row, values: row.per[id]} : row
  }
  const cmds = commands.map((c) => {
    const flags = Object.entries(c.flags)
      .filter(([, f]) => !f.hidden)
      .map(([name, f]) => ({
        names: [`--${name}`, ...(f.char ? [`-${f.char}`] : []), ...(f.aliases ?? []).map((a) => `--${a}`), ...(f.charAliases ?? []).map((a) => `-${a}`)],
        value: f.type === 'option',
        desc: brief(f.summary ?? f.description),
        values: f.type === 'option' ? valuesOf(c.id, name, f) : undefined,
      }))
    flags.push({names: ['--help', '-h'], value: false, desc: 'Show help'})
    const args = Object.entries(c.args ?? {}).map(([name, a]) => {
      const row = ARG_VALUES[c.id]?.[name]
      if (row) used.add(`arg ${c.id} ${name}`)
      return {name, values: a.options?.length ? {values: a.options} : row}
    })
    return {id: c.id.split(':').join(' '), flags, args}
  })
  // A row that names no flag or argument any more would complete nothing without a word: stop the build instead.
  const stale = [
    ...Object.keys(FLAG_VALUES)
      .map((n) => `flag ${n}`)
      .filter((k) => !used.has(k)),
    ...Object.entries(ARG_VALUES)
      .flatMap(([id, a]) => Object.keys(a).map((n) => `arg ${id} ${n}`))
      .filter((k) => !used.has(k)),
  ]
  if (stale.length > 0) throw new Error(`scripts/completion.mjs: no command has ${stale.join(', ')}; update FLAG_VALUES or ARG_VALUES`)
  return {tree, commands: cmds}
}

export function writeCompletion(out = join('dist', 'completion')) {
  const manifest = JSON.parse(readFileSync('oclif.manifest.json', 'utf8'))
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  const model = completionModel(manifest, pkg.oclif.topics ?? {})
  mkdirSync(out, {recursive: true})
  writeFileSync(join(out, 'tink.bash'), bashScript(model))
  writeFileSync(join(out, 'tink.zsh'), zshScript(model))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) writeCompletion()
