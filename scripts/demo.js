#!/usr/bin/env node
// The quick-start demo: starts the embedded Tink emulator in this process, then runs the real
// `tink` commands against it as subprocesses, exactly as a user would type them, and shows each
// command line with its output. No credentials, no network. Exits non-zero if any step fails.
import {spawn} from 'node:child_process'
import {createInterface} from 'node:readline'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {startEmulator, BUILTIN_CLIENT} = await import('tink-emulator')

const color = process.stdout.isTTY && !process.env.NO_COLOR
const bold = (s) => (color ? `\u001b[1m${s}\u001b[22m` : s)
const dim = (s) => (color ? `\u001b[2m${s}\u001b[22m` : s)

// --demo-data: every user created gets a connected Demo Bank, so the data commands have something to show.
const emu = await startEmulator({quiet: true, demoData: true})
const env = {
  ...process.env,
  TINK_API_URL: emu.url,
  TINK_LINK_URL: emu.url,
  TINK_CLIENT_ID: BUILTIN_CLIENT.id,
  TINK_CLIENT_SECRET: BUILTIN_CLIENT.secret,
  NO_COLOR: process.env.NO_COLOR ?? (color ? undefined : '1'),
}
// A demo must not pick up the user's own profile or keychain.
delete env.TINK_PROFILE

function run(args, {shown} = {}) {
  const line = shown ?? `tink ${args.map((a) => (/[\s"$]/.test(a) ? `'${a}'` : a)).join(' ')}`
  process.stdout.write(`\n${bold('$ ' + line)}\n`)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'run.cjs'), ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stdout.write(d)
    })
    child.stderr.on('data', (d) => process.stdout.write(dim(String(d))))
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`step failed with exit code ${code}: ${line}`))))
  })
}

/**
 * The emulator serves Tink Link too, but only while the demo runs (it stops at the end, and step 7
 * deletes the user): on a terminal the demo waits here for Enter, so the URL above can be opened;
 * anywhere else (a pipe, CI) it does not ask.
 */
async function offerLink() {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return
  const rl = createInterface({input: process.stdin, output: process.stdout})
  let interrupted = false
  await new Promise((resolve) => {
    rl.question('\nThe emulator serves this Tink Link page while the demo waits: open the URL above in a browser, then press Enter to go on. ', resolve)
    rl.on('SIGINT', () => {
      interrupted = true
      rl.close()
    })
    rl.on('close', resolve)
  })
  rl.close()
  if (interrupted)
    throw Object.assign(new Error('Ctrl-C at step 3; steps 4 to 7 were not run (the emulator stops, and its demo user with it)'), {exitCode: 130})
}

const step = (n, text) => process.stdout.write(`\n${bold(`${n}.`)} ${text}\n`)
const external = `demo-customer-${Date.now().toString(36)}`
let failed = 0
try {
  process.stdout.write(`${bold('tink demo')}: the support and provisioning flow against the embedded Tink emulator at ${emu.url}\n`)
  process.stdout.write(
    dim(
      `The commands below run with:\n  export TINK_API_URL=${emu.url} TINK_LINK_URL=${emu.url}\n  export TINK_CLIENT_ID=${BUILTIN_CLIENT.id}\n  export TINK_CLIENT_SECRET=${BUILTIN_CLIENT.secret}\n`,
    ),
  )

  step(1, 'A client token, as a script would take it (only the token on stdout):')
  await run(['token', 'get', '--scope', 'user:create', '--raw'])

  step(2, 'Create a permanent user for the customer:')
  const created = JSON.parse(await run(['user', 'create', '--external-user-id', external, '--market', 'GB', '--locale', 'en_US', '--json']))

  step(3, 'Mint a delegated grant and the Tink Link URL to send the customer (redirected to the Tink Console callback every Tink app has):')
  await run([
    'grant',
    'delegate',
    '--external-user-id',
    external,
    '--id-hint',
    'Demo Customer',
    '--redirect-uri',
    'https://console.tink.com/callback',
    '--test',
  ])
  await offerLink()

  step(4, "Grant data access and exchange the code for a user token (the API's own flow):")
  await run(['grant', 'create', '--user-id', created.user_id, '--scope', 'accounts:read,transactions:read', '--exchange', '--json'])

  step(5, 'Did the customer connect, and until when does the consent last? (the support question):')
  await run(['credentials', 'list', '--user-id', created.user_id])

  step(6, "Call any Tink API with the right token attached: the customer's accounts:")
  await run(['api', '/data/v2/accounts', '--user-id', created.user_id])

  step(7, 'Delete the user (the whole grant -> exchange -> delete chain in one command):')
  await run(['user', 'delete', '--external-user-id', external, '--yes'])

  const left = emu.users().filter((u) => u.external_user_id === external)
  if (left.length !== 0) throw new Error('the user still exists in the emulator after delete')
  process.stdout.write(`\n${bold('Done.')} The emulator saw ${emu.requests.length} requests; the user is gone.\n`)
} catch (err) {
  failed = err.exitCode ?? 1
  process.stderr.write(`\ndemo ${err.exitCode === 130 ? 'stopped' : 'failed'}: ${err.message}\n`)
} finally {
  await emu.close()
}
process.exitCode = failed
