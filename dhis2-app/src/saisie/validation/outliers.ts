import { outlierScore } from '../../shared/mappings'

/** The programme's outlier settings (community-program.md: WHO Data Quality Tool defaults). */
export const OUTLIER_OPTIONS = { modifiedZ: 3.5, z: 3, minMonths: 6, months: 12 } as const

/**
 * Below this, a number is never questioned: 4 home visits after months of 0 and 1 is a good month, not a typing
 * slip, and asking about it teaches RCs to ignore the question.
 */
export const SMALLEST_QUESTIONED = 10

/** A number well above this RC's usual ones: the range of their last months, for the question asked. */
export interface UnusualValue {
  low: number
  high: number
  months: number
}

/**
 * Whether to ask the RC about a typed number (issue 14 §2): only when it is above everything they reported in
 * their last months, not small, and far from their usual numbers by the robust score of the WHO tool. Never
 * blocks; never for a number they reached before (« 10 » after a month at 32 is not unusual).
 */
export function outlierOf(value: string, history: readonly number[] | undefined): UnusualValue | undefined {
  if (!history || history.length === 0 || value.trim() === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number < SMALLEST_QUESTIONED) return undefined
  const recent = history.slice(-OUTLIER_OPTIONS.months)
  const high = Math.max(...recent)
  if (number <= high) return undefined
  if (!outlierScore(number, recent, OUTLIER_OPTIONS)) return undefined
  return { low: Math.min(...recent), high, months: recent.length }
}
