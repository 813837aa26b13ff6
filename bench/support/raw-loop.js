// The loop an engineer would write instead of tink: one undici Agent, N workers, one POST per
// user, no retries, no validation, no output. Run as its own process by `npm run bench -- bulk`
// (its start-up counts, as tink's does), and inside the bench process for the warm reference.
// Usage: BENCH_TOKEN=... node bench/support/raw-loop.js BASE_URL PREFIX USERS CONCURRENCY (the token in
// the environment, not argv, as the curl loops keep it in a file)
import {pathToFileURL} from 'node:url'

export async function rawLoop({url, token, prefix, users, concurrency}) {
  const {Agent, request} = await import('undici')
  const agent = new Agent({connections: concurrency})
  let next = 0
  const worker = async () => {
    while (next < users) {
      const i = next++
      const res = await request(`${url}/api/v1/user/create`, {
        method: 'POST',
        dispatcher: agent,
        headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: JSON.stringify({external_user_id: `${prefix}${i}`, market: 'GB', locale: 'en_US'}),
      })
      await res.body.text()
    }
  }
  await Promise.all(Array.from({length: concurrency}, worker))
  await agent.close()
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, prefix, users, concurrency] = process.argv.slice(2)
  await rawLoop({url, token: process.env.BENCH_TOKEN, prefix, users: Number(users), concurrency: Number(concurrency)})
}
