// `tink --version` is answered by bin/run.cjs without loading oclif: it must be oclif's own line.
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {test} from 'node:test'
import {Config} from '@oclif/core'
import {ROOT, runCli} from '../helpers.js'

test('tink --version prints exactly what oclif prints (config.userAgent)', async () => {
  const config = await Config.load(join(ROOT, 'bin'))
  const r = await runCli(['--version'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stderr, '')
  assert.equal(r.stdout, config.userAgent + '\n')
  // With more arguments oclif answers, with the same line.
  const viaOclif = await runCli(['--version', '--json'])
  assert.equal(viaOclif.stdout.split('\n')[0], config.userAgent)
})
