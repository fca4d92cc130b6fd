/** Small helpers shared by the repositories: values in and out of SQL the same way on pg and PGlite. */
import type { SqlParam } from './db'

/** JSON for a `$n::jsonb` parameter (undefined and null → SQL NULL). */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value)
}

/** A timestamptz column as a Date of this realm (PGlite's Date may come from another realm in tests). */
export function toDate(value: unknown): Date {
  if (value === null || value === undefined) throw new TypeError('expected a timestamp, got null')
  return new Date(value as string | number | Date)
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value)
}

/** A JSONB column (both drivers parse JSON already); SQL NULL → null. */
export function fromJson<T>(value: unknown): T | null {
  return value === undefined || value === null ? null : (value as T)
}

/** Collects `$n` parameters while a WHERE clause is built. */
export class Params {
  readonly values: SqlParam[] = []
  add(value: SqlParam): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}

/** Splits a list in chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
