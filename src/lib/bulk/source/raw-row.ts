/**
 * What the row source yields: one record per data row of the input, or a broken record with its
 * line number (reported `invalid`, the run carries on) or, for input that cannot be read past a
 * point (broken CSV quoting, a line too long), with `stop` set: the run takes no more rows.
 */
export type InputFormat = 'csv' | 'ndjson'

export type RawRow =
  | {line: number; fields: Record<string, string | undefined>; error?: undefined; stop?: undefined}
  /** stop: the input cannot be read past this row (broken CSV quoting): the run takes no more rows. */
  | {line: number; error: string; fields?: Record<string, string | undefined>; stop?: string}
