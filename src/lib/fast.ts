/**
 * The fast path, part 2: runs a command that fast-plan.cts planned, without oclif. Loading
 * @oclif/core and its config costs about 70 ms, more than everything else a cached
 * `token get --raw` does; this runs the command's action (src/lib/actions) through the same
 * Invocation the oclif command uses. The build bundles this module and what it imports into
 * dist/lib/fast.bundle.cjs.
 */
import {processIO, type GlobalFlags} from './context.js'
import type {FastPlan} from './fast-plan.cjs'
import {preloadUndici} from './http.js'
import {Invocation, reportFailure, runInvocation} from './invocation.js'
import {prepareColor} from './output.js'
import {sharedKeychain} from './profiles.js'

type Action = (inv: Invocation<GlobalFlags>) => Promise<unknown>

/** Each hot command's action, loaded only when it runs (fast-plan.cts lists the same ids). */
export const ACTIONS: Record<string, () => Promise<Action>> = {
  'token:get': async () => (await import('./actions/token-get.js')).tokenGet as Action,
  'token:clear': async () => (await import('./actions/token-clear.js')).tokenClear as Action,
  'grant:create': async () => (await import('./actions/grant-create.js')).grantCreate as Action,
  'grant:delegate': async () => (await import('./actions/grant-delegate.js')).grantDelegate as Action,
  'user:create': async () => (await import('./actions/user-create.js')).userCreate as Action,
  'user:delete': async () => (await import('./actions/user-delete.js')).userDelete as Action,
}

/** Runs a planned command to the end: process.exitCode is set and stdout flushed when this resolves. */
export async function runFast(plan: FastPlan): Promise<void> {
  await prepareColor()
  const io = processIO()
  // As oclif's Command module does: a reader that closed the pipe (| head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err
  })
  const json = plan.flags.json === true
  try {
    const inv = new Invocation({flags: plan.flags as GlobalFlags, argv: plan.tokens, version: plan.version, json, usesProfiles: true, io})
    // Every hot command reads the keychain (the profile's secret, or the token cache of env
    // credentials) unless the profile keeps its secret in a file.
    if (inv.profile?.secretStore?.kind !== 'file') sharedKeychain().warmUp()
    const action = await ACTIONS[plan.id]!()
    // undici takes about 25 ms to load, and the command would load it after waiting for the
    // keychain: loaded now, that wait happens meanwhile (the keychain answers on another thread).
    if (plan.sends) preloadUndici()
    await runInvocation(inv, action)
  } catch (error) {
    reportFailure(io, error, {json})
  }
  await flushStdout()
}

/** oclif's flush(): wait (at most 10 s) until what was written to stdout has left the process. */
function flushStdout(): Promise<void> {
  if (process.stdout.write('')) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 10_000)
    timer.unref()
    process.stdout.once('drain', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
