/** NDJSON rows: one JSON object per line; a line that is not one is a broken row, never the end of the run. */
import type {RawRow} from './raw-row.js'
import {fatalRow, NOT_UTF8, type GuardLine} from './line-guard.js'

export async function* ndjsonRows(lines: AsyncIterable<GuardLine>, close: () => void): AsyncGenerator<RawRow> {
  try {
    for await (const {line, text} of lines) {
      if (text === undefined) {
        yield {line, error: `not valid UTF-8 text${NOT_UTF8.slice('is not valid UTF-8 text'.length)}`}
        continue
      }
      if (text.trim() === '') continue
      yield ndjsonRow(text, line)
    }
  } catch (err) {
    yield fatalRow(err)
  } finally {
    // Stopping early (Ctrl-C) must release the file or stdin, or the process would not exit.
    close()
  }
}

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['external_user_id', 'user_id', 'market', 'locale', 'retention_class'])

function ndjsonRow(text: string, line: number): RawRow {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {line, error: 'not valid JSON; each line must be one JSON object'}
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return {line, error: 'not a JSON object; each line must be one object such as {"external_user_id":"u1"}'}
  const fields: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const key = k.toLowerCase()
    if (v === null || v === undefined) continue
    // Other fields (row, status, error, from_journal in tink's own output) are not ours to check.
    if (typeof v !== 'string') {
      if (KNOWN_FIELDS.has(key)) return {line, fields: stringFields(value as Record<string, unknown>), error: `field "${k}" must be a string`}
      continue
    }
    fields[key] = v
  }
  return {line, fields}
}

/** The string-valued fields of a broken NDJSON object, so its line can still name the user. */
function stringFields(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k.toLowerCase()] = v
  return out
}
