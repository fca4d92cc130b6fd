/**
 * The last line of defence against text PostgreSQL refuses (issue 11 §3): a NUL character anywhere in text,
 * and in JSON text the escapes `\u0000` and lone surrogates (`\ud800`), which `JSON.stringify` writes for such
 * characters. Records are cleaned at intake with a per-record reason (pipeline/intake/clean-text.ts); this catches
 * whatever else a person or a system may send — a discard reason, a file name, an error message quoting a
 * received value — so that a stray character can never turn a write into a 500 or stop a run. Such text is
 * stored with U+FFFD in place of the character.
 *
 * Cheap on clean input: a native search for NUL and V8's `isWellFormed` (lone surrogates) per string parameter.
 * Together they cost a twentieth of one regex over both (measured on 6.8 M characters of JSON: 0.13 ms against
 * 2.2 ms; ≈ 4 % of the bridge's CPU in a 100,000-value import went to that regex, issue 18), because a string V8
 * stores one byte per character cannot hold a surrogate and its NUL search is a memchr.
 */
import type { SqlParam } from './db'

/** ES2024's well-formed string methods (Node ≥ 20, the engines field); the TypeScript lib here is ES2022. */
interface WellFormed {
  isWellFormed(): boolean
  toWellFormed(): string
}

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g
// In JSON text: a `\u0000` or `\udXXX` escape preceded by an even number of backslashes (an odd number means
// the backslash itself was escaped and the rest is plain text). JSON.stringify writes surrogates as escapes
// only when they are lone, so every such escape stands for a character PostgreSQL refuses.
const JSON_START = /^\s*[[{"]/
const BAD_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89abAB][0-9a-fA-F]{2}|[dD][c-fC-F][0-9a-fA-F]{2})/g

/** Whether the text holds a NUL or a lone surrogate (paired surrogates are emoji: fine). */
export function mayHoldBadChars(text: string): boolean {
  return text.includes('\u0000') || !(text as unknown as WellFormed).isWellFormed()
}

/** The text with NUL and lone surrogates replaced by U+FFFD (paired surrogates are kept: they are emoji). */
export function withoutBadChars(text: string): string {
  return mayHoldBadChars(text) ? (text as unknown as WellFormed).toWellFormed().replace(NUL, '\uFFFD') : text
}

/** A string parameter made acceptable to PostgreSQL (the same string when it already is). */
export function safeText(text: string): string {
  let out = withoutBadChars(text)
  // Only JSON text (what repositories send for jsonb) holds escapes; plain text keeps its backslashes.
  if (JSON_START.test(out) && out.includes('\\u')) out = out.replace(BAD_ESCAPE, '$1\\ufffd')
  return out
}

export function safeParams(params: readonly SqlParam[] | undefined): unknown[] | undefined {
  if (params === undefined) return undefined
  return params.map((p) =>
    typeof p === 'string'
      ? safeText(p)
      : Array.isArray(p)
        ? p.map((v) => (typeof v === 'string' ? safeText(v) : v))
        : p,
  )
}
