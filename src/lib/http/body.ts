/** Reading a response body: bounded in size and in time, as bytes. */
import type {Readable} from 'node:stream'

/**
 * All of `body`, or a rejection: `code: 'TOO_LARGE'` past `maxBytes` (never buffered further),
 * UND_ERR_BODY_TIMEOUT when the whole body takes longer than `timeoutMs` (undici's bodyTimeout is
 * per chunk: a server dripping a byte now and then would hold the CLI forever).
 */
export function readBody(body: Readable, o: {timeoutMs: number; maxBytes: number}): Promise<Buffer> {
  // Stream events rather than `for await`: the async iterator costs a few µs a response, which
  // bulk work pays thousands of times.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const deadline = setTimeout(() => {
      body.destroy(Object.assign(new Error(`body not complete within ${o.timeoutMs} ms`), {code: 'UND_ERR_BODY_TIMEOUT'}))
    }, o.timeoutMs)
    const fail = (err: Error): void => {
      clearTimeout(deadline)
      reject(err)
    }
    body.on('data', (buf: Buffer) => {
      size += buf.length
      if (size <= o.maxBytes) return void chunks.push(buf)
      body.removeAllListeners('data')
      body.on('error', () => undefined)
      body.destroy()
      fail(Object.assign(new Error('response body too large'), {code: 'TOO_LARGE'}))
    })
    body.once('error', fail)
    // A body destroyed without an error (the connections destroyed by an abort) ends with 'close' alone.
    body.once('close', () => {
      if (!body.readableEnded) fail(Object.assign(new Error('response body closed before its end'), {code: 'UND_ERR_SOCKET'}))
    })
    body.once('end', () => {
      clearTimeout(deadline)
      resolve(Buffer.concat(chunks))
    })
  })
}
