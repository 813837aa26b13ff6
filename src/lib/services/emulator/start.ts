/**
 * `tink emulator start`: the local Tink emulator (the tink-emulator package). The one module of
 * the CLI that loads it (EMULATOR_LOADER in the ESLint config), and only when called: the package,
 * bundled into a chunk of its own, costs nothing to the startup of every other command.
 */
// Only types are imported statically.
import type {EmulatorClient, FaultSpec, RunningEmulator} from 'tink-emulator'
import {usageError} from '../../errors/cli-error.js'

const load = (): Promise<typeof import('tink-emulator')> => import('tink-emulator')

/** The emulator's fault spec and extra clients, parsed by its own parsers. */
export interface EmulatorSpecs {
  faults?: FaultSpec
  clients: EmulatorClient[]
}

/** A bad spec is a usage error with the parser's message. */
export async function parseEmulatorSpecs(o: {faults?: string; clients: string[]}): Promise<EmulatorSpecs> {
  const emulator = await load()
  try {
    return {
      faults: o.faults === undefined ? undefined : emulator.parseFaultSpec(o.faults),
      clients: o.clients.map((c) => emulator.parseClientSpec(c)),
    }
  } catch (error) {
    throw usageError((error as Error).message)
  }
}

/** Whether binding `host` keeps the emulator on this machine (the emulator's own loopback test). */
export async function isLoopbackHost(host: string): Promise<boolean> {
  return (await load()).isLoopback(host)
}

export interface EmulatorStartOptions extends EmulatorSpecs {
  port: number
  host: string
  /** A JSON file that keeps users across restarts. */
  stateFile?: string
  tokenTtl?: number
  seed?: number
  redirectUris?: string[]
  demoData: boolean
  rateLimit?: number
  webhookRetryMs?: number
  quiet: boolean
  /** One line per request, and the emulator's own messages. */
  log: (line: string) => void
}

export interface StartedEmulator {
  running: RunningEmulator
  /** The one JSON object a start prints with --json ({"url","linkUrl","clientId",...}). */
  record: Record<string, unknown>
  /** The lines a start prints for people: URL, credentials, the export line, redirect URIs. */
  banner: string[]
}

/** Listens; a failure to (the port in use, a bad state file) is the emulator's error as thrown. */
export async function startEmulator(o: EmulatorStartOptions): Promise<StartedEmulator> {
  const emulator = await load()
  const running = await emulator.startEmulator({
    port: o.port,
    host: o.host,
    stateFile: o.stateFile,
    tokenTtl: o.tokenTtl,
    clients: o.clients,
    faults: o.faults,
    seed: o.seed,
    redirectUris: o.redirectUris,
    demoData: o.demoData,
    rateLimit: o.rateLimit,
    webhookRetryMs: o.webhookRetryMs,
    quiet: o.quiet,
    log: o.log,
  })
  return {running, record: emulator.startRecord(running), banner: emulator.startBanner(running, o.clients, o.demoData)}
}
