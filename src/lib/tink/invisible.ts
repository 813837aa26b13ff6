/**
 * Characters a person cannot see but Tink stores: format characters (zero-width spaces and
 * joiners, byte order marks, soft hyphens, bidirectional embeddings, overrides and isolates, tag
 * characters) and the invisible fillers. In an id sent to Tink they make two ids that look the
 * same different, or one that reads differently from what it is (a right-to-left override).
 */
const INVISIBLE = /[\p{Cf}\p{Cc}\u034f\u115f\u1160\u3164\uffa0]/u

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte order mark)',
}

/** The first invisible character of `value`, as "U+200B (ZERO WIDTH SPACE) at character 4"; undefined when none. */
export function invisibleCharacter(value: string): string | undefined {
  const m = INVISIBLE.exec(value)
  if (!m) return undefined
  const cp = m[0].codePointAt(0) ?? 0
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  const at = [...value.slice(0, m.index)].length + 1
  return `${code}${NAMES[cp] ? ` (${NAMES[cp]})` : ''} at character ${at}`
}
