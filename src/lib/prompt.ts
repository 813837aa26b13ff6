/**
 * Interactive questions, only on a terminal. inquirer loads on first use so scripted runs never
 * pay for it; prompts write to stderr so stdout stays clean for pipes.
 */
import type {IO} from './context.js'

export function canPrompt(io: IO): boolean {
  return Boolean(io.stdin.isTTY && io.stderr.isTTY)
}

export async function askText(io: IO, message: string, validate?: (v: string) => string | true): Promise<string> {
  const {input} = await import('@inquirer/prompts')
  return input({message, validate: validate ?? ((v) => (v.trim() ? true : 'Required'))}, {input: io.stdin, output: io.stderr})
}

export async function askSecret(io: IO, message: string): Promise<string> {
  const {password} = await import('@inquirer/prompts')
  return password({message, mask: '*', validate: (v) => (v.trim() ? true : 'Required')}, {input: io.stdin, output: io.stderr})
}

export async function askConfirm(io: IO, message: string, defaultValue = false): Promise<boolean> {
  const {confirm} = await import('@inquirer/prompts')
  return confirm({message, default: defaultValue}, {input: io.stdin, output: io.stderr})
}
