// RC performance as community-program.md defines it. Pure: figures in, figures out; no React, no i18n.
import { isOnTime } from '../../shared/timeliness'

export { isOnTime }

/** Class limits in %: Bon from `good`, Moyen from `fair`, Faible below. Configurable (dataStore). */
export interface Thresholds {
  good: number
  fair: number
}

export const DEFAULT_THRESHOLDS: Thresholds = { good: 80, fair: 50 }

export type PerformanceClass = 'bon' | 'moyen' | 'faible'

/** Keeps configured limits only when they make sense (0 ≤ fair < good ≤ 100); otherwise the defaults. */
export function validThresholds(value: unknown): Thresholds {
  if (value && typeof value === 'object') {
    const { good, fair } = value as Record<string, unknown>
    if (typeof good === 'number' && typeof fair === 'number' && fair >= 0 && fair < good && good <= 100)
      return { good, fair }
  }
  return DEFAULT_THRESHOLDS
}

export function classify(score: number, thresholds: Thresholds = DEFAULT_THRESHOLDS): PerformanceClass {
  if (score >= thresholds.good) return 'bon'
  if (score >= thresholds.fair) return 'moyen'
  return 'faible'
}

export const capPercent = (value: number): number => Math.min(Math.max(value, 0), 100)

/** DHIS2's reporting rate: actual × 100 / expected, capped at 100; 0 when nothing is expected. */
export function reportingRate(actual: number, expected: number): number {
  return expected > 0 ? capPercent((actual * 100) / expected) : 0
}

/**
 * Completeness, timeliness and the mean of the three target achievements, each capped at 100 %; the score
 * is the mean of these three. An achievement DHIS2 cannot compute (no target entered) is left out of the
 * mean rather than counted as 0: a missing target is the supervisor's gap, not the RC's. With no
 * achievement at all, the score is the mean of completeness and timeliness.
 */
export function performanceScore(
  completeness: number,
  timeliness: number,
  achievements: ReadonlyArray<number | undefined>,
): number {
  const known = achievements.filter((a): a is number => a !== undefined && Number.isFinite(a)).map(capPercent)
  const parts = [capPercent(completeness), capPercent(timeliness)]
  if (known.length > 0) parts.push(known.reduce((sum, a) => sum + a, 0) / known.length)
  return parts.reduce((sum, p) => sum + p, 0) / parts.length
}

/** A completion registration as `completeDataSetRegistrations` returns it. */
export interface RegistrationRow {
  period: string
  organisationUnit: string
  date: string
  completed: boolean
}

export interface FreshCounts {
  actual: number
  onTime: number
}

/**
 * Reports completed after the last analytics run (`date` ≥ its start), which analytics cannot see yet,
 * counted per org unit and month. Only completed registrations of the org units in `units` (the active RC
 * analytics expects) count. A registration back-dated before the run is not fresh: analytics has it.
 */
export function freshRegistrations(
  registrations: readonly RegistrationRow[],
  analyticsStartedAt: string | undefined,
  units: ReadonlySet<string>,
  periodEnd: (periodId: string) => string | undefined,
  timelyDays: number,
): Map<string, Map<string, FreshCounts>> {
  const byUnit = new Map<string, Map<string, FreshCounts>>()
  for (const r of registrations) {
    if (!r.completed || !units.has(r.organisationUnit)) continue
    if (analyticsStartedAt !== undefined && r.date < analyticsStartedAt) continue
    const end = periodEnd(r.period)
    if (end === undefined) continue
    let months = byUnit.get(r.organisationUnit)
    if (!months) byUnit.set(r.organisationUnit, (months = new Map()))
    const counts = months.get(r.period) ?? { actual: 0, onTime: 0 }
    counts.actual += 1
    if (isOnTime(end, timelyDays, r.date)) counts.onTime += 1
    months.set(r.period, counts)
  }
  return byUnit
}

/** Sums fresh counts over some units (all when undefined) and some months. */
export function sumFresh(
  fresh: Map<string, Map<string, FreshCounts>>,
  months: ReadonlySet<string>,
  unit?: string,
): FreshCounts {
  const total = { actual: 0, onTime: 0 }
  for (const [ou, byMonth] of fresh) {
    if (unit !== undefined && ou !== unit) continue
    for (const [month, counts] of byMonth) {
      if (!months.has(month)) continue
      total.actual += counts.actual
      total.onTime += counts.onTime
    }
  }
  return total
}

/** Reports of one org unit for a period: analytics' numerator/denominator plus the fresh completions. */
export interface ReportCounts {
  expected: number
  actual: number
  onTime: number
}

export function addFresh(counts: ReportCounts, fresh: FreshCounts): ReportCounts {
  return { expected: counts.expected, actual: counts.actual + fresh.actual, onTime: counts.onTime + fresh.onTime }
}

export interface RcInput {
  id: string
  name: string
  reports: ReportCounts
  /** Achievement of the sensitisation, home-visit and RDT targets (%), undefined without target. */
  achievements: [number | undefined, number | undefined, number | undefined]
}

export interface RankedRc extends RcInput {
  rank: number
  completeness: number
  timeliness: number
  score: number
  performance: PerformanceClass
  /** No report at all for the period. */
  notReported: boolean
  /** Faible or not reported: a gap to follow up. */
  gap: boolean
}

/** Scores and classes every RC, best first (ties by name, so the order is stable). */
export function rankRcs(rcs: readonly RcInput[], thresholds: Thresholds = DEFAULT_THRESHOLDS): RankedRc[] {
  const scored = rcs.map((rc) => {
    const completeness = reportingRate(rc.reports.actual, rc.reports.expected)
    const timeliness = reportingRate(rc.reports.onTime, rc.reports.expected)
    const score = performanceScore(completeness, timeliness, rc.achievements)
    const performance = classify(score, thresholds)
    const notReported = rc.reports.actual === 0
    return {
      ...rc,
      rank: 0,
      completeness,
      timeliness,
      score,
      performance,
      notReported,
      gap: notReported || performance === 'faible',
    }
  })
  scored.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name, 'fr'))
  return scored.map((rc, i) => ({ ...rc, rank: i + 1 }))
}

/** How many RC fall in each class. */
export function classCounts(rcs: readonly RankedRc[]): Record<PerformanceClass, number> {
  const counts: Record<PerformanceClass, number> = { bon: 0, moyen: 0, faible: 0 }
  for (const rc of rcs) counts[rc.performance] += 1
  return counts
}
