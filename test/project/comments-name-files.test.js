// Comments that name a file (`tink/validate.ts`, `bin/run.cjs`, `dist/tink.cjs`) must name one that
// exists: a renamed file leaves comments pointing at nothing, and a reader hunts for it. Checked
// for the comments of src/, bin/, scripts/, bench/ and test/, after the build (dist/ exists).
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {basename, dirname, join, relative} from 'node:path'
import {test} from 'node:test'
import ts from 'typescript'
import {ROOT} from '../helpers.js'

const SKIP_DIRS = new Set(['node_modules', 'dist', 'minimal-oclif'])

function filesUnder(dir) {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    if (SKIP_DIRS.has(e.name) || e.name.startsWith('.')) return []
    const p = join(dir, e.name)
    return e.isDirectory() ? filesUnder(p) : [p]
  })
}

/** A name ending in .js may name the build of a .ts source, one in .cjs the build of a .cts. */
const sources = (p) => [p, p.replace(/\.js$/, '.ts'), p.replace(/\.cjs$/, '.cts')]

/** The comments of a source file, found by TypeScript's parser (not fooled by `//` in a string). */
function commentsOf(text, file) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.ts') || file.endsWith('.cts') ? ts.ScriptKind.TS : ts.ScriptKind.JS)
  const seen = new Map()
  const add = (ranges) => {
    for (const r of ranges ?? []) seen.set(r.pos, text.slice(r.pos, r.end))
  }
  const visit = (node) => {
    add(ts.getLeadingCommentRanges(text, node.getFullStart()))
    add(ts.getTrailingCommentRanges(text, node.getEnd()))
    node.forEachChild(visit)
  }
  visit(source)
  add(ts.getLeadingCommentRanges(text, source.endOfFileToken.getFullStart()))
  return [...seen.values()]
}

/** The file names the comments of `text` mention, without URLs, placeholders (`bench/NAME.js`), `.test.js` or "Node.js". */
export function namedFiles(text, file = 'x.ts') {
  return commentsOf(text, file).flatMap((c) =>
    [...c.replace(/\bhttps?:\/\/\S+/g, '').matchAll(/(?<![\w.@-])[\w./-]*[\w-]+\.(?:ts|cts|js|cjs|mjs)\b/g)]
      .map((m) => m[0])
      .filter((n) => n !== 'Node.js' && !/^\.[^./]/.test(n) && !/(^|\/)[A-Z]+(\.|\/)/.test(n)),
  )
}

test('every file a comment names exists', () => {
  // The emulator package (packages/) is not read: its comments cite files of Tink's example
  // repositories (tink-ab/tink-link-web-permanent-users-example), on purpose.
  const all = ['src', 'bin', 'scripts', 'bench', 'test', 'packages'].filter((d) => existsSync(join(ROOT, d))).flatMap((d) => filesUnder(join(ROOT, d)))
  const basenames = new Set(all.flatMap((f) => [basename(f), basename(f).replace(/\.ts$/, '.js'), basename(f).replace(/\.cts$/, '.cjs')]))
  const missing = []
  for (const file of all.filter((f) => /\.(ts|cts|js|cjs|mjs)$/.test(f) && !relative(ROOT, f).startsWith('packages'))) {
    for (const name of namedFiles(readFileSync(file, 'utf8'), file)) {
      const n = name.replace(/^\.\//, '')
      const found = n.includes('/')
        ? [ROOT, join(ROOT, 'src'), join(ROOT, 'src', 'lib'), dirname(file), join(ROOT, 'node_modules')].some((b) => sources(n).some((p) => existsSync(join(b, p))))
        : basenames.has(n)
      if (!found) missing.push(`${relative(ROOT, file)}: ${name}`)
    }
  }
  assert.deepEqual(missing, [], 'comments naming files that do not exist')
})

test('the check reads comments only, and sees a renamed file', () => {
  const text = [
    '// checks from src/lib/validate.ts and errors.ts, in Node.js (any *.test.js)',
    'const url = "http://127.0.0.1:9/a.ts" /* see bench/NAME.js, https://x.org/y.js */',
    'const re = /\\/\\/ b.ts/ // and cli/io.ts',
  ].join('\n')
  assert.deepEqual(namedFiles(text), ['src/lib/validate.ts', 'errors.ts', 'cli/io.ts'])
})
