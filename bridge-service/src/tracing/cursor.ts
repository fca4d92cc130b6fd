/**
 * The cursor of the outcome reading (issue 19 §3): DHIS2's own `updatedAt` text, kept as DHIS2 wrote it. DHIS2
 * gives times in its server's zone without an offset (`2026-10-07T14:03:11.482`); read as this process's local
 * time, they would shift by the difference of zones and the reading could skip outcomes. So they are compared and
 * moved back as naive times, and sent back in the same form. Pure.
 */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/

/** Milliseconds of a DHIS2 timestamp read as a naive time (its offset, when it has one, kept apart). */
function naiveMs(text: string): { ms: number; zone: string } | undefined {
  const m = TIMESTAMP.exec(text.trim())
  if (!m) return undefined
  const ms = Date.parse(`${m[1]!.slice(0, 23)}Z`)
  return Number.isNaN(ms) ? undefined : { ms, zone: m[2] ?? '' }
}

/** The later of two DHIS2 timestamps (undefined ones and unreadable ones lose). */
export function later(a: string | undefined, b: string | undefined): string | undefined {
  const x = a === undefined ? undefined : naiveMs(a)
  const y = b === undefined ? undefined : naiveMs(b)
  if (!x) return y ? b : undefined
  if (!y) return a
  return y.ms > x.ms ? b : a
}

/** `updatedAfter` for the next reading: the cursor moved back by `overlapMs`, in the cursor's own form. */
export function readFrom(cursor: string | undefined, overlapMs: number): string | undefined {
  const t = cursor === undefined ? undefined : naiveMs(cursor)
  if (!t) return undefined
  return new Date(t.ms - overlapMs).toISOString().slice(0, 23) + t.zone
}
