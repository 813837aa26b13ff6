// A full stdout (/dev/full) in single commands, --version and --help: one line naming the failed
// write, exit 7, no stack trace.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {closeSync, existsSync, openSync} from 'node:fs'
import {BIN, cleanEnv, ROOT} from '../../helpers.js'
import {tinkError, tokenResponse} from '../../support/tink-server.js'
import {CREATE_PATH, serverEnv, TOKEN_PATH, useTinkServer} from '../../support/cli.js'

const srv = useTinkServer()

describe('a full stdout (/dev/full) in single commands', {skip: !existsSync('/dev/full') && 'needs /dev/full'}, () => {
  /** Runs tink with stdout on /dev/full: every write to it fails with ENOSPC. */
  function toDevFull(args, env) {
    const fd = openSync('/dev/full', 'w')
    const child = spawn(process.execPath, [BIN, ...args], {cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', fd, 'pipe']})
    closeSync(fd)
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    return new Promise((resolve) => child.on('close', (code) => resolve({code, stderr})))
  }

  test('token get --json, token get --raw, user create, an error document: one line naming the failed write, exit 7', async () => {
    const runs = [
      [['token', 'get', '--json'], () => srv.script(TOKEN_PATH, {json: tokenResponse()})],
      [['token', 'get', '--raw'], () => srv.script(TOKEN_PATH, {json: tokenResponse()})],
      [['user', 'create', '--external-user-id', 'full-1', '--market', 'SE'], () => (srv.script(TOKEN_PATH, {json: tokenResponse()}), srv.script(CREATE_PATH, {json: {user_id: 'u-full-1'}}))],
      [['token', 'get', '--json'], () => srv.script(TOKEN_PATH, tinkError(500, 'internal_error', 'Broken'))],
    ]
    for (const [args, script] of runs) {
      srv.reset()
      script()
      const r = await toDevFull(args, serverEnv(srv))
      assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^Error: Cannot write to standard output \(ENOSPC: no space left on device, write\); the output of this command is incomplete\. Free space, or redirect standard output elsewhere\n$/, args.join(' '))
    }
  })

  test('--version, --help and a command\'s help: the same line, exit 7, no stack trace', async () => {
    for (const args of [['--version'], ['--help'], ['token', 'get', '--help'], ['user', '--help']]) {
      const r = await toDevFull(args, {})
      assert.equal(r.code, 7, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^Error: Cannot write to standard output \(ENOSPC: no space left on device, write\); the output of this command is incomplete\. Free space, or redirect standard output elsewhere\n$/, args.join(' '))
    }
  })
})
