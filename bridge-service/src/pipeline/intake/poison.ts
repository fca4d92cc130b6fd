/**
 * Poison values, generated (never stored as fixtures): the text and shapes that used to make PostgreSQL refuse
 * a record or overflow a recursive walk (issue 11 §3). The tests of every source kind send them; the security
 * corpus (tests/security/README.md) lists where.
 */

export interface PoisonString {
  readonly name: string
  readonly text: string
  /** What clean-text.ts makes of it. */
  readonly clean: string
}

export const POISON_STRINGS: readonly PoisonString[] = [
  { name: 'a NUL in the middle', text: 'rupture\u0000 de stock', clean: 'rupture\uFFFD de stock' },
  { name: 'a NUL alone', text: '\u0000', clean: '\uFFFD' },
  { name: 'a lone high surrogate', text: 'a\uD800b', clean: 'a\uFFFDb' },
  { name: 'a lone low surrogate', text: 'a\uDC00b', clean: 'a\uFFFDb' },
  { name: 'a high surrogate at the end', text: 'fin\uD83D', clean: 'fin\uFFFD' },
  { name: 'reversed surrogates', text: '\uDE00\uD83D', clean: '\uFFFD\uFFFD' },
  { name: 'NUL and surrogates together', text: '\u0000\uD800\u0000', clean: '\uFFFD\uFFFD\uFFFD' },
]

/** JSON text of arrays nested `depth` levels deep around a number. */
export function deepJson(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`
}

/** JSON text of objects nested `depth` levels deep (`{"a":{"a":…}}`). */
export function deepObjectJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
}
