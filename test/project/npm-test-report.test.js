// `npm test` (scripts/test.sh) prints a readable report: compact off a terminal, the spec
// reporter on one, and always the runner's closing summary lines CI reads; the build asks
// oclif for no update notice.
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, test} from 'node:test'
import {cleanEnv, ROOT, tempDir} from '../helpers.js'
import {driveTerminal} from '../support/cli.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

// Issue 23, quick-start noise: `npm test` printed thousands of lines of raw TAP, and the build an
// "oclif update available" notice on every run.
describe('npm test prints a readable report and the closing summary CI reads', () => {
  function fixture() {
    const dir = tempDir('tink-testsh-')
    const file = join(dir, 'sample.test.mjs')
    writeFileSync(file, `import {test} from 'node:test'
import assert from 'node:assert/strict'
test('a passing sample', () => {})
test('a failing sample', () => assert.equal(1, 2, 'the sample failure message'))
`)
    return file
  }
  // Built already and no second D-Bus session: scripts/test.sh runs the runner alone.
  const env = () => {
    const e = cleanEnv({TINK_TEST_BUILT: '1', TINK_TEST_IN_DBUS: '1'})
    delete e.NODE_TEST_CONTEXT // set by the runner running this file: the child would refuse to run files
    return e
  }

  test('off a terminal (a CI log): compact, the failure in full, the runner\'s closing summary lines, exit 1', async () => {
    const {runProcess} = await import('../helpers.js')
    const r = await runProcess('sh', [join(ROOT, 'scripts', 'test.sh'), fixture()], {env: env()})
    assert.equal(r.code, 1, r.stdout + r.stderr)
    assert.doesNotMatch(r.stdout, /TAP version|# Subtest:|^ok \d|^not ok \d/m, 'no raw TAP')
    assert.match(r.stdout, /a failing sample/)
    assert.match(r.stdout, /the sample failure message/)
    for (const line of ['# tests 2', '# pass 1', '# fail 1', '# cancelled 0', '# skipped 0', '# todo 0']) assert.ok(r.stdout.split('\n').includes(line), `${line} in:\n${r.stdout}`)
    assert.ok(r.stdout.split('\n').length < 60, 'a short report')
  })

  test('on a terminal: the spec reporter, one line per test, and the same closing lines', async () => {
    const cmd = `sh '${join(ROOT, 'scripts', 'test.sh')}' '${fixture()}'`
    const r = await driveTerminal(cmd, [], {env: env(), label: 'npm test on a terminal'})
    assert.equal(r.code, 1, r.screen)
    assert.match(r.screen, /✔ a passing sample/)
    assert.match(r.screen, /✖ a failing sample/)
    assert.match(r.screen, /the sample failure message/)
    assert.doesNotMatch(r.screen, /TAP version|# Subtest:/)
    assert.match(r.screen, /^# pass 1\r?$/m)
    assert.match(r.screen, /^# fail 1\r?$/m)
  })

  test('the build does not check for oclif updates (no "update available" notice)', () => {
    assert.match(pkg.scripts.build, /OCLIF_SKIP_NEW_VERSION_CHECK=true oclif manifest/)
  })
})
