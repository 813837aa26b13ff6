// ESLint for the TypeScript sources (type-aware rules from typescript-eslint) and the JS tests,
// benchmarks and scripts. `npm run lint`; .ci/run runs it.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

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
    // Code that runs in the browser page (playwright's evaluate).
    files: ['test/link-browser.test.js'],
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
