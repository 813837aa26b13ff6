// A scriptable loopback Tink server per call (test/support/tink-server.js), all closed when the
// test file ends, and the environment that points a run at one with a client id of its own.
import {after} from 'node:test'
import {TOKEN_PATH} from './cli.js'
import {startTinkServer} from './tink-server.js'

const servers = []
after(() => Promise.all(servers.map((s) => s.close())))
/** A scriptable server; `token: true` answers every token request with a client token. */
export async function server({token = false} = {}) {
  const srv = await startTinkServer()
  servers.push(srv)
  if (token) srv.script(TOKEN_PATH, {json: {access_token: 'tok-abc', token_type: 'bearer', expires_in: 1800, scope: 'user:create'}})
  return srv
}
let seq = 0
/** TINK_API_URL of `srv`, a client id no other run uses, and a recognisable secret. */
export const envFor = (srv, extra = {}) => ({TINK_API_URL: srv.url, TINK_CLIENT_ID: `c15-${process.pid}-${++seq}`, TINK_CLIENT_SECRET: 'issue15-secret-value', ...extra})
