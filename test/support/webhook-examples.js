// The world the `tink webhook` examples of --help run in (test/lib/cli/help-examples.test.js): the events v2
// server of test/support/webhook-server.js, seeded with the endpoint of Tink's reference
// examples, and the body of Tink's signature page example in body.json; $SIGNATURE signs it now.
// `listen` runs until stopped: it must say where it listens and end on Ctrl-C with 130.
import {spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startWebhookServer} from './webhook-server.js'
import {tinkSignature} from './webhook-sender.js'

export const EXAMPLE_ENDPOINT_ID = 'd8f37f7d19c240abb4ef5d5dbebae4ef'
const SECRET = 'top_secret_top_secret_top_secret'
const BODY = '{"context": {...}, "event": "...",  "content": {...}}'

/** Starts the server for `client` and points `env` at it; resolves what to close afterwards. */
export async function webhookExampleWorld(dir, env, client) {
  const now = new Date().toISOString()
  const srv = await startWebhookServer({
    clients: {[client.id]: client.secret},
    seed: [{id: EXAMPLE_ENDPOINT_ID, url: 'https://example.com/alice-webhook', enabledEvents: ['refresh:finished'], disabled: false, description: "Alice's webhook", createdAt: now, updatedAt: now}],
  })
  writeFileSync(join(dir, 'body.json'), BODY)
  Object.assign(env, {TINK_API_URL: srv.url, TINK_WEBHOOK_SECRET: SECRET, SIGNATURE: tinkSignature(SECRET, Math.floor(Date.now() / 1000), BODY)})
  return srv
}

/** `tink webhook listen ...`: resolves once it said where it listens and then stopped on SIGINT with 130. */
export function listenExample(line, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `exec ${line}`], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']})
    let err = ''
    let stopped = false
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${line}: no "Listening on" line\nstderr: ${err}`))
    }, 15_000)
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d
      if (!stopped && /Listening on/.test(err)) stopped = child.kill('SIGINT')
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      if (code === 130 && /Stopped: 0 events received/.test(err)) resolve()
      else reject(new Error(`${line}: exit ${code}\nstderr: ${err}`))
    })
  })
}
