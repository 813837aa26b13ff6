// ESLint for the TypeScript sources (type-aware rules from typescript-eslint) and the JS tests,
// benchmarks and scripts. `npm run lint`; .ci/run runs it.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'bench/minimal-oclif/**', 'oclif.manifest.json']},
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
