/** What a bulk run (src/lib/bulk/runner.ts) is given by the CLI: its IO, signal, app, HTTP client and API. */
import type {BulkDeps} from '../bulk/runner.js'
import type {Factory} from '../cli/factory.js'
import {TinkApi} from '../tink/api.js'

export function bulkDeps(f: Factory): BulkDeps {
  return {
    io: f.io,
    signal: f.signal,
    app: async () => {
      await f.preflight({needsCredentials: true})
      const {clientId} = await f.credentials()
      return {clientId, baseUrl: await f.baseUrl()}
    },
    http: (tuning) => f.http(tuning),
    api: (http, cache) => new TinkApi({http, credentials: () => f.credentials(), cache, trace: (line) => f.trace(line)}),
  }
}
