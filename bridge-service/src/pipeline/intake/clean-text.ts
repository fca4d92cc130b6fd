/**
 * Clean text at the edge (issue 11 §3). PostgreSQL refuses a NUL character (U+0000) in text and JSONB, and a
 * lone UTF-16 surrogate in JSONB: one such character in one submission used to fail the whole Kobo page, the
 * upload or the webhook delivery it came in, and the records after it never arrived. JSON nested thousands of
 * levels deep overflowed the stack of every recursive walk (hashing, JSON.stringify).
 *
 * So every record is cleaned before anything else reads it, whatever its source:
 * - NUL and lone surrogates, in values and in keys, become U+FFFD (the Unicode replacement character), and the
 *   record carries `relais:cleaned` naming the fields that were touched: the map stage quarantines it (invalid,
 *   TEXT_CLEANED) so a person sees what was received and decides; the records around it go on.
 * - Anything nested deeper than MAX_DEPTH is cut (the subtree becomes a marker string) and the record carries
 *   `relais:rejected`: it is quarantined too (JSON_TOO_DEEP). No mapping reads that deep; the identity fields
 *   at the top are kept, so two different poison records stay two records.
 * The walk is recursive but never deeper than MAX_DEPTH, so it cannot overflow the stack itself. Pure.
 */

import { mayHoldBadChars, withoutBadChars } from '../../ledger/safe-params'

export const MAX_DEPTH = 256
export const CLEANED_KEY = 'relais:cleaned'
export const REJECTED_KEY = 'relais:rejected'
/** What stands in for a subtree cut at MAX_DEPTH. */
export const TOO_DEEP_MARKER = 'relais:too-deep'
/** At most this many field paths are listed in `relais:cleaned` (a record full of NULs names the first ones). */
const MAX_LISTED_FIELDS = 20

/** The text with NUL and lone surrogates replaced by U+FFFD (the ledger's own rule, safe-params.ts). */
export const cleanString = withoutBadChars

export interface CleanReport {
  /** Paths (`a/b/0`) of the values or keys that held NUL or a lone surrogate. */
  readonly cleanedFields: string[]
  /** True when something was nested deeper than MAX_DEPTH and was cut. */
  readonly tooDeep: boolean
}

/** A JSON-like value cleaned, with what was done; `value` is the input itself when nothing needed cleaning. */
export function cleanValue(value: unknown): { value: unknown; report: CleanReport } {
  const report = { cleanedFields: [] as string[], tooDeep: false }
  const cleaned = walk(value, 0, '', report)
  return { value: cleaned, report }
}

/**
 * One received record made safe to store: cleaned as above, and marked when anything was done. A record that
 * is not an object is wrapped (`{ value }`) only when it has to carry a mark.
 */
export function cleanRecord(raw: unknown): unknown {
  const { value, report } = cleanValue(raw)
  if (report.cleanedFields.length === 0 && !report.tooDeep) return raw
  const base: Record<string, unknown> = isPlainObject(value) ? { ...value } : { value }
  if (report.cleanedFields.length > 0) base[CLEANED_KEY] = report.cleanedFields.slice(0, MAX_LISTED_FIELDS)
  if (report.tooDeep) base[REJECTED_KEY] = { reason: 'json-too-deep', maxDepth: MAX_DEPTH }
  return base
}

/** Whether a stored record was marked by cleanRecord, and why: what the map stage quarantines. */
export function cleaningMarks(raw: unknown): { cleanedFields?: string[]; tooDeep: boolean } | undefined {
  if (!isPlainObject(raw)) return undefined
  const cleaned = raw[CLEANED_KEY]
  const rejected = raw[REJECTED_KEY]
  if (cleaned === undefined && rejected === undefined) return undefined
  return {
    ...(Array.isArray(cleaned) ? { cleanedFields: cleaned.map(String) } : {}),
    tooDeep: rejected !== undefined,
  }
}

function walk(value: unknown, depth: number, path: string, report: { cleanedFields: string[]; tooDeep: boolean }) {
  if (typeof value === 'string') {
    if (!mayHoldBadChars(value)) return value
    const cleaned = cleanString(value)
    if (cleaned !== value) note(report, path)
    return cleaned
  }
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) {
    report.tooDeep = true
    return TOO_DEEP_MARKER
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const cleaned = walk(item, depth + 1, join(path, String(i)), report)
      if (cleaned !== item) (out ??= value.slice())[i] = cleaned
    }
    return out ?? value
  }
  let out: Record<string, unknown> | undefined
  const entries = Object.entries(value as Record<string, unknown>)
  for (const [key, item] of entries) {
    const cleanKey = cleanString(key)
    if (cleanKey !== key) note(report, join(path, cleanKey))
    const cleaned = walk(item, depth + 1, join(path, cleanKey), report)
    if (cleaned !== item || cleanKey !== key) {
      if (!out) {
        // Rebuild from the start, in order: keys before this one are unchanged. Null prototype, so that a
        // received `__proto__` key stays data and never becomes the object's prototype.
        out = Object.create(null) as Record<string, unknown>
        for (const [k, v] of entries) {
          if (k === key) break
          out[k] = v
        }
      }
      out[cleanKey] = cleaned
    } else if (out) out[key] = item
  }
  return out ?? value
}

function note(report: { cleanedFields: string[] }, path: string): void {
  if (report.cleanedFields.length < MAX_LISTED_FIELDS && !report.cleanedFields.includes(path))
    report.cleanedFields.push(path)
}

const join = (path: string, key: string) => (path === '' ? key : `${path}/${key}`)

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
