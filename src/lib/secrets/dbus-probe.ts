/**
 * Whether the Secret Service answers on the D-Bus session bus, asked in plain JS before keytar's
 * first call. keytar (libsecret) blocks a libuv threadpool thread while it waits, and Node joins
 * that pool at exit: a bus that accepts connections but never answers would keep the process
 * alive long after its result, whatever the JS side gives up on. So keytar is not called at all
 * when this probe hears nothing.
 *
 * The minimum of the D-Bus protocol: SASL EXTERNAL, Hello, then org.freedesktop.DBus.Peer.Ping
 * to org.freedesktop.secrets. Any reply to the Ping (a return, or an error such as ServiceUnknown)
 * means the bus answers and keytar can report the rest.
 */
import {connect} from 'node:net'

/** 'answers': go on to keytar; 'silent': nothing within the time limit; 'unknown': let keytar find out. */
export type ProbeResult = 'answers' | 'silent' | 'unknown'

/** The socket path of a unix:path= or unix:abstract= address (abstract: a leading NUL), else undefined. */
export function busSocketPath(address: string | undefined): string | undefined {
  for (const entry of (address ?? '').split(';')) {
    if (!entry.startsWith('unix:')) continue
    const params = new Map(
      entry
        .slice(5)
        .split(',')
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]),
    )
    const decode = (v: string): string => decodeURIComponent(v)
    const path = params.get('path')
    if (path) return decode(path)
    const abstract = params.get('abstract')
    if (abstract) return '\0' + decode(abstract)
  }
  return undefined
}

const pad = (n: number, to: number): number => (to - (n % to)) % to

/** A METHOD_CALL with no body: little-endian header, fields PATH, INTERFACE, MEMBER, DESTINATION. */
export function methodCall(serial: number, path: string, iface: string, member: string, destination: string): Buffer {
  const fields: Buffer[] = []
  let offset = 16 // the fields array starts right after the fixed header, already 8-aligned
  const field = (code: number, sig: 'o' | 's', value: string): void => {
    const str = Buffer.from(value, 'utf8')
    const before = Buffer.alloc(pad(offset, 8))
    // struct: code byte, signature (length byte, one char, NUL), padding to 4, uint32 length, text, NUL
    const head = Buffer.from([code, 1, sig.charCodeAt(0), 0])
    const len = Buffer.alloc(4)
    len.writeUInt32LE(str.length)
    const part = Buffer.concat([before, head, len, str, Buffer.from([0])])
    fields.push(part)
    offset += part.length
  }
  field(1, 'o', path)
  field(2, 's', iface)
  field(3, 's', member)
  field(6, 's', destination)
  const array = Buffer.concat(fields)
  const fixed = Buffer.alloc(16)
  fixed.write('l', 0, 'latin1')
  fixed.writeUInt8(1, 1) // METHOD_CALL
  fixed.writeUInt8(0, 2) // flags: auto-start allowed, as libsecret's own call would
  fixed.writeUInt8(1, 3) // protocol version
  fixed.writeUInt32LE(0, 4) // body length
  fixed.writeUInt32LE(serial, 8)
  fixed.writeUInt32LE(array.length, 12)
  return Buffer.concat([fixed, array, Buffer.alloc(pad(16 + array.length, 8))])
}

/** The reply serial of a METHOD_RETURN (2) or ERROR (3) message, else undefined. */
function replySerial(msg: Buffer, little: boolean): number | undefined {
  const type = msg[1]
  if (type !== 2 && type !== 3) return undefined
  const u32 = (at: number): number => (little ? msg.readUInt32LE(at) : msg.readUInt32BE(at))
  const end = 16 + u32(12)
  let at = 16
  while (at < end) {
    at += pad(at, 8)
    const code = msg[at]
    const sigLen = msg[at + 1] ?? 0
    const sig = msg.toString('latin1', at + 2, at + 2 + sigLen)
    at += 3 + sigLen
    if (sig === 'u') {
      at += pad(at, 4)
      if (code === 5) return u32(at)
      at += 4
    } else if (sig === 's' || sig === 'o') {
      at += pad(at, 4)
      at += 4 + u32(at) + 1
    } else if (sig === 'g') {
      at += 1 + (msg[at] ?? 0) + 1
    } else return undefined // a field type this probe does not know: let keytar decide
  }
  return undefined
}

const PING_SERIAL = 2

/** Asks the Secret Service for a Ping over the session bus at `address`, giving up after `timeoutMs`. */
export function probeSecretService(address: string | undefined, uid: number, timeoutMs: number): Promise<ProbeResult> {
  const path = busSocketPath(address)
  if (!path) return Promise.resolve('unknown')
  return new Promise((resolve) => {
    const socket = connect({path})
    let buffered = Buffer.alloc(0)
    let authed = false
    const done = (result: ProbeResult): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done('silent'), timeoutMs)
    socket.on('error', () => done('unknown'))
    socket.on('close', () => done('unknown'))
    socket.on('connect', () => {
      socket.write(Buffer.concat([Buffer.from([0]), Buffer.from(`AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`)]))
    })
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      if (!authed) {
        const eol = buffered.indexOf('\r\n')
        if (eol < 0) return
        if (!buffered.toString('latin1', 0, eol).startsWith('OK ')) return done('unknown')
        authed = true
        buffered = buffered.subarray(eol + 2)
        socket.write(
          Buffer.concat([
            Buffer.from('BEGIN\r\n'),
            methodCall(1, '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'Hello', 'org.freedesktop.DBus'),
            methodCall(PING_SERIAL, '/org/freedesktop/secrets', 'org.freedesktop.DBus.Peer', 'Ping', 'org.freedesktop.secrets'),
          ]),
        )
      }
      while (buffered.length >= 16) {
        const little = buffered[0] === 0x6c
        const u32 = (at: number): number => (little ? buffered.readUInt32LE(at) : buffered.readUInt32BE(at))
        const fieldsLen = u32(12)
        const total = 16 + fieldsLen + pad(16 + fieldsLen, 8) + u32(4)
        if (buffered.length < total) return
        const msg = buffered.subarray(0, total)
        buffered = buffered.subarray(total)
        if (replySerial(msg, little) === PING_SERIAL) return done('answers')
      }
    })
  })
}
