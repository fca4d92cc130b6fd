import { outlierScore } from '../../shared/mappings'

/** The programme's outlier settings (community-program.md: WHO Data Quality Tool defaults). */
export const OUTLIER_OPTIONS = { modifiedZ: 3.5, z: 3, minMonths: 6, months: 12 } as const

/**
 * Below this, a number is never questioned: 4 home visits after months of 0 and 1 is a good month, not a typing
 * slip, and asking about it teaches RCs to ignore the question.
 */
export const SMALLEST_QUESTIONED = 10

/** DHIS2's min–max range of one box for this RC (`/api/minMaxDataElements`), set by hand or generated. */
export interface MinMaxRange {
  min: number
  max: number
}

/**
 * Why a typed number is questioned: above this RC's usual numbers (`history`: the range of their last months),
 * or outside the range DHIS2 keeps for the box (`min-max`).
 */
export interface UnusualValue {
  basis: 'history' | 'min-max'
  low: number
  high: number
  /** Months of history the range was read from (history only). */
  months?: number
}

/**
 * Whether to ask the RC about a typed number (issue 14 §2). A range DHIS2 keeps for the box wins: a data
 * manager set it, or DHIS2 generated it from more history than the form reads. Otherwise only when the number
 * is above everything they reported in their last months, not small, and far from their usual numbers by the
 * robust score of the WHO tool. Never blocks; never for a small number; never for a number they reached
 * before (« 10 » after a month at 32 is not unusual).
 */
export function outlierOf(
  value: string,
  history: readonly number[] | undefined,
  range?: MinMaxRange,
): UnusualValue | undefined {
  if (value.trim() === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number) || number < SMALLEST_QUESTIONED) return undefined
  if (range) {
    const outside = number > range.max || number < range.min
    return outside ? { basis: 'min-max', low: range.min, high: range.max } : undefined
  }
  if (!history || history.length === 0) return undefined
  const recent = history.slice(-OUTLIER_OPTIONS.months)
  const high = Math.max(...recent)
  if (number <= high) return undefined
  if (!outlierScore(number, recent, OUTLIER_OPTIONS)) return undefined
  return { basis: 'history', low: Math.min(...recent), high, months: recent.length }
}
