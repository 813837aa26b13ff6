// ESLint for the TypeScript sources (type-aware rules from typescript-eslint) and the JS tests,
// benchmarks and scripts. `npm run lint`; .ci/run runs it.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

// The layers of src/lib, lowest first: which folders (and single files) each may import. This is
// the rule CONTRIBUTING.md ("How the code is arranged") points to; `npm run lint` fails on an
// import it does not allow. `types` are allowed as `import type` only (the shape of a value one
// layer stores for another: the token cache, a profile). A later entry whose `files` name single
// files of a folder replaces the folder's rule for them.
const LIB = ['errors', 'http', 'config', 'secrets', 'tink', 'webhook', 'cli', 'bulk', 'services']
const LAYERS = [
  {layer: 'errors', may: []},
  {layer: 'http', may: ['errors'], also: ['secrets/redact.js']},
  {layer: 'config', may: ['errors', 'secrets']},
  // The files secrets stores build on: below secrets, so they import nothing of it.
  {layer: 'config', files: ['paths.cts', 'atomic-write.cts', 'safe-file.ts', 'lock.ts'], may: ['errors']},
  {layer: 'secrets', may: ['errors'], also: ['config/paths.cjs', 'config/atomic-write.cjs', 'config/safe-file.js', 'config/lock.js'], types: ['config/profiles.js', 'tink/api.js']},
  {layer: 'tink', may: ['errors', 'http']},
  {layer: 'webhook', may: ['errors', 'http', 'secrets', 'tink']},
  {layer: 'cli', may: ['errors', 'http', 'config', 'secrets', 'tink', 'webhook'], oclif: true},
  {layer: 'bulk', may: ['errors', 'http', 'config', 'tink', 'cli']},
  // What commands call: typed options and their dependencies in, results (or progress events) out.
  {layer: 'services', may: ['errors', 'http', 'config', 'secrets', 'tink', 'webhook', 'cli', 'bulk']},
]
// A new folder of src/lib gets its place here, or lint stops: an unlisted folder would be unchecked.
const unplaced = readdirSync(join(import.meta.dirname, 'src', 'lib')).filter((d) => !LIB.includes(d))
if (unplaced.length > 0) throw new Error(`eslint.config.js: src/lib/${unplaced.join(', src/lib/')} has no place in LIB and LAYERS`)
// The emulator is the oracle, loaded only by `emulator start`'s service, never by the CLI's layers.
const EMULATOR_LOADER = 'src/lib/services/emulator/start.ts'
const EMULATOR = {group: ['tink-emulator', 'tink-emulator/*', '**/packages/emulator/**'], message: `only ${EMULATOR_LOADER} loads the emulator`}
const OCLIF = {group: ['@oclif/*'], message: 'only src/lib/cli and the command files know oclif'}
// A service gets its dependencies as arguments: never the Factory, the base command or flag definitions.
const NOT_WIRING = {
  group: ['../cli/factory.js', '../cli/base-command.js', '../cli/flags.js', '../../cli/factory.js', '../../cli/base-command.js', '../../cli/flags.js'],
  message: 'a service takes typed options and its dependencies as arguments, not the Factory or flags (CONTRIBUTING.md, "Adding a command")',
}

/** One restricted-imports pattern list: every folder of src/lib not allowed (`prefix` + folder). */
function restrictions(prefix, may, also = [], types = [], where = '') {
  const allowed = [...also, ...types]
  // A file in a subfolder (bulk/ops/create.ts) reaches the other layers through more `../`.
  const prefixes = prefix === '../' ? ['../', '../../', '../../../'] : [prefix]
  const patterns = LIB.filter((l) => !may.includes(l)).map((l) => ({
    group: prefixes.flatMap((p) => [`${p}${l}/*`, ...allowed.filter((f) => f.startsWith(`${l}/`)).map((f) => `!${p}${f}`)]),
    message: `${where} may import from ${[...may.filter((l) => !where.startsWith(`src/lib/${l}`)), ...also].join(', ') || 'no other folder of src/lib'} (eslint.config.js LAYERS)`,
  }))
  for (const f of types) patterns.push({group: prefixes.map((p) => `${p}${f}`), allowTypeImports: true, message: `${where} may import only types from ${f}`})
  return patterns
}

function layerRules() {
  const rule = (patterns) => ({'@typescript-eslint/no-restricted-imports': ['error', {patterns}]})
  const blocks = LAYERS.map(({layer, files, may, also, types, oclif}) => ({
    files: files ? files.map((f) => `src/lib/${layer}/${f}`) : [`src/lib/${layer}/**/*.ts`, `src/lib/${layer}/**/*.cts`],
    rules: rule([
      ...restrictions('../', [...may, layer], also, types, `src/lib/${layer}${files ? ` (${files.join(', ')})` : ''}`),
      EMULATOR,
      ...(oclif ? [] : [OCLIF]),
      ...(layer === 'services' ? [NOT_WIRING] : []),
    ]),
  }))
  // The loader keeps its layer's rules but the emulator's.
  const services = blocks[LAYERS.findIndex((l) => l.layer === 'services')]
  blocks.push({files: [EMULATOR_LOADER], rules: rule(services.rules['@typescript-eslint/no-restricted-imports'][1].patterns.filter((p) => p !== EMULATOR))})
  // A command file is its help, its flags and a short main(): flags to typed options, a service
  // called, its result rendered. It reaches the network, the keychain and files only through a
  // service or the Factory (no http, secrets or config of its own).
  const commandMay = ['cli', 'services', 'errors', 'tink', 'webhook', 'bulk']
  blocks.push({files: ['src/commands/**/*.ts'], rules: rule([...restrictions('**/lib/', commandMay, [], [], 'src/commands'), EMULATOR])})
  blocks.push({files: ['src/hooks/**/*.ts'], rules: rule([...restrictions('**/lib/', ['cli', 'errors'], [], [], 'src/hooks'), EMULATOR])})
  return blocks
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'packages/*/dist/**', 'bench/minimal-oclif/**', 'oclif.manifest.json']},
  js.configs.recommended,
  {
    files: ['src/**/*.ts', 'src/**/*.cts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      // Command bodies and store methods are async to fit one interface (Body, SecretStore), with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...layerRules(),
  {
    files: ['packages/emulator/src/**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The emulator is an independent oracle of Tink: nothing of the CLI (its src/, dist/ or package) may leak in.
    files: ['packages/emulator/**/*.ts', 'packages/emulator/**/*.js'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // Every file of the package is at most two folders deep, so a path that climbs three or more leaves it.
            {group: ['../../../*', '../../../../*', 'tink-auth-cli', 'tink-auth-cli/*'], message: 'The emulator package imports nothing from the tink CLI: it is the independent oracle.'},
          ],
        },
      ],
    },
  },
  {
    // The CommonJS entry helpers load the bundle and its command list by computed path.
    files: ['src/**/*.cts'],
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  {
    // No file over 400 lines, tests and scripts included: a file a maintainer can read in one sitting.
    files: ['**/*.ts', '**/*.cts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {'max-lines': ['error', {max: 400}]},
  },
  {
    // Code that runs in the browser page (playwright's evaluate).
    files: ['test/e2e/link-browser.test.js'],
    languageOptions: {globals: {...globals.browser}},
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {globals: {...globals.node}},
    rules: {
      'no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      // Tests assert on what reaches a terminal, escape sequences included.
      'no-control-regex': 'off',
    },
  },
)
