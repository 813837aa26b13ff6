// A small real HTTP proxy on 127.0.0.1 for tests: CONNECT tunnels (what clients use for https://
// and what undici's ProxyAgent uses for every origin) and plain forwarding of absolute-URI
// requests. Records every request it handles, so a test can tell what went through it.
//
// tink never sends a loopback target through a proxy, so tests of proxy use aim at a host name
// that only this proxy resolves (TEST_HOST, under the reserved .test domain): it connects to
// 127.0.0.1 for it, where the test's own server listens.
//   refuse:  answer every CONNECT 407
//   hangup:  read the CONNECT and close the connection (a proxy refusing tunnels, a web server)
import {createServer, request as httpRequest} from 'node:http'
import {connect} from 'node:net'

export const TEST_HOST = 'api.tink-proxy.test'
const resolve = (host) => (host === TEST_HOST ? '127.0.0.1' : host)

export async function startConnectProxy({refuse = false, hangup = false} = {}) {
  const seen = []
  const sockets = new Set()
  const server = createServer((req, res) => {
    seen.push({method: req.method, target: req.url, headers: {...req.headers}})
    const url = new URL(req.url)
    const upstream = httpRequest({host: resolve(url.hostname), port: url.port, path: url.pathname + url.search, method: req.method, headers: req.headers}, (up) => {
      res.writeHead(up.statusCode, up.headers)
      up.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.on('connect', (req, client, head) => {
    seen.push({method: 'CONNECT', target: req.url, headers: {...req.headers}})
    client.on('error', () => {})
    if (hangup) return void client.destroy()
    if (refuse) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n')
      return
    }
    const [host, port] = req.url.split(/:(?=\d+$)/)
    const upstream = connect(Number(port), resolve(host.replace(/^\[|\]$/g, '')), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
