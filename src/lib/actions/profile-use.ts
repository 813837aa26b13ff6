/** `tink profile use NAME`: make a profile the active one. */
import type {Factory, Outcome} from '../cli/factory.js'

export async function profileUse(f: Factory, _flags: unknown, args: {name: string}): Promise<Outcome<{active: string}>> {
  await f.profiles().use(args.name)
  f.print.note(`Active profile: ${args.name}`)
  return {result: {active: args.name}}
}
