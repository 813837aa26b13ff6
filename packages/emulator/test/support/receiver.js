// A webhook receiver for the emulator's tests: records each delivery (raw body, headers) and answers
// with the statuses queued in `answers` (then 200). `refusingUrl()` gives a URL nothing listens on.
import {createServer} from 'node:http'

export async function startReceiver() {
  const got = []
  const answers = []
  const waiters = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      got.push({method: req.method, path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now()})
      res.writeHead(answers.shift() ?? 200).end()
      for (const w of waiters.splice(0)) w()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  return {
    url,
    got,
    answers,
    /** Resolves once `n` deliveries arrived (fails the test after `ms`). */
    async waitFor(n, ms = 5000) {
      const deadline = Date.now() + ms
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} deliveries, got ${got.length}`)
        await new Promise((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return got
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}

/** A loopback URL with nothing listening: the port of a server that was just closed. */
export async function refusingUrl() {
  const s = createServer()
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = s.address().port
  await new Promise((resolve) => s.close(resolve))
  return `http://127.0.0.1:${port}/hook`
}
