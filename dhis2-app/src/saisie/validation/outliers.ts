import { outlierScore, type OutlierScore } from '../../shared/mappings'

/** The programme's outlier settings (community-program.md: WHO Data Quality Tool defaults). */
export const OUTLIER_OPTIONS = { modifiedZ: 3.5, z: 3, minMonths: 6, months: 12 } as const

/** A score when the typed number is unusually high for this RC's last 12 months; never blocks. */
export function outlierOf(value: string, history: readonly number[] | undefined): OutlierScore | undefined {
  if (!history || history.length === 0 || value.trim() === '') return undefined
  const number = Number(value)
  if (!Number.isFinite(number)) return undefined
  return outlierScore(number, history, OUTLIER_OPTIONS)
}
