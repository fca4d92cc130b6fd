// Counts of findings by zone and month, and the monthly quality score (issue 15 §3). The score, plainly:
// the share of the zone's RC that reported that month and have no open finding that month (a finding a data
// manager marked checked or corrected is no longer open). No report that month: no score. Pure.
import type { Finding, FindingKind } from './findings'

/** The zone of an org unit: the level-3 unit of its path (`/Bénin/Département/Zone/Aire/RC`). */
export const ZONE_LEVEL = 3

export function zoneOfPath(path: string): string | undefined {
  return path.split('/').filter(Boolean)[ZONE_LEVEL - 1]
}

export interface ZoneMonth {
  zone: string
  period: string
  /** Open findings by kind. */
  open: Record<FindingKind, number>
  reviewed: number
  /** RC that reported this month. */
  reporting: number
  /** Of those, RC with no open finding this month. */
  clean: number
  /** clean / reporting, 0–100 rounded; undefined without a report. */
  score?: number
}

const noCounts = (): Record<FindingKind, number> => ({ outlier: 0, validation: 0, followup: 0, disaggregation: 0 })

/**
 * @param reporting month → RC that reported (any value of the monthly report)
 * @param zoneOf RC uid → zone uid (undefined: outside every zone, left out)
 * @param isReviewed whether a data manager marked the finding checked or corrected
 */
export function zoneMonthScores(
  findings: readonly Finding[],
  reporting: ReadonlyMap<string, ReadonlySet<string>>,
  zoneOf: (rc: string) => string | undefined,
  isReviewed: (finding: Finding) => boolean,
): ZoneMonth[] {
  const cells = new Map<string, ZoneMonth & { rcs: Set<string>; flagged: Set<string> }>()
  const cell = (zone: string, period: string) => {
    const key = `${zone}.${period}`
    let c = cells.get(key)
    if (!c)
      cells.set(
        key,
        (c = {
          zone,
          period,
          open: noCounts(),
          reviewed: 0,
          reporting: 0,
          clean: 0,
          rcs: new Set(),
          flagged: new Set(),
        }),
      )
    return c
  }
  for (const [period, rcs] of reporting)
    for (const rc of rcs) {
      const zone = zoneOf(rc)
      if (zone) cell(zone, period).rcs.add(rc)
    }
  for (const f of findings) {
    const zone = zoneOf(f.orgUnit)
    if (!zone) continue
    const c = cell(zone, f.period)
    if (isReviewed(f)) {
      c.reviewed++
      continue
    }
    c.open[f.kind]++
    c.flagged.add(f.orgUnit)
  }
  return [...cells.values()]
    .map(({ rcs, flagged, ...c }) => {
      const clean = [...rcs].filter((rc) => !flagged.has(rc)).length
      return {
        ...c,
        reporting: rcs.size,
        clean,
        ...(rcs.size > 0 ? { score: Math.round((100 * clean) / rcs.size) } : {}),
      }
    })
    .sort((a, b) => a.zone.localeCompare(b.zone) || a.period.localeCompare(b.period))
}

/** Open findings of each kind, for the screen's section counts. */
export function countByKind(findings: readonly Finding[], isReviewed: (f: Finding) => boolean) {
  const counts = noCounts()
  for (const f of findings) if (!isReviewed(f)) counts[f.kind]++
  return counts
}
