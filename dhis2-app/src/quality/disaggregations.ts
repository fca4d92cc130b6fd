// Missing disaggregations (issue 15 §3): in an RC's report for a month, a data element broken down by sex
// (category combo SEXE) or by sex and age (SEXE_AGE) has some of its cells filled and others empty.
// DHIS2 does not store a zero for these elements, so an empty cell usually means 0; it is only suspicious
// when the RC's own history makes a zero unlikely. The rule, plainly: a cell is missing when it is empty, at
// least one other cell of the same element is filled that month, and in every other month the RC reported in
// the window (at least `MIN_HISTORY`) that cell held `USUAL_MINIMUM` or more. A looser rule (a median of 5)
// flags ordinary zeros: the small seed has nine such cells, none of them a missing disaggregation; an RC who
// never declared fewer than 5 has a true zero with a chance well under 1 in 1,000 (Poisson, mean ≥ 8).
// Pure: no React, no DHIS2 calls.
import { findingId, type Finding, type Named } from './findings'

/** The least the cell held in each of the RC's other months. */
export const USUAL_MINIMUM = 5
/** Months of history needed before a cell can be called usual. */
export const MIN_HISTORY = 3

export const DISAGGREGATED_COMBOS = ['SEXE', 'SEXE_AGE']

export interface DisaggregatedElement extends Named {
  /** The option combos of its category combo, in DHIS2's order. */
  combos: Named[]
}

/** A row of `GET /api/dataValueSets` (the fields used here). */
export interface DataValueRow {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo?: string
  value?: string
  deleted?: boolean
}

export function missingDisaggregations(
  rows: readonly DataValueRow[],
  elements: readonly DisaggregatedElement[],
): Finding[] {
  const wanted = new Map(elements.map((e) => [e.id, e]))
  /** RC → months with a report (any value of the data set). */
  const reported = new Map<string, Set<string>>()
  /** `RC.element.coc` → month → value. */
  const cells = new Map<string, Map<string, number>>()
  /** `RC.element.month` → AOC of the filled cells (the first one seen). */
  const aocOf = new Map<string, string>()
  for (const row of rows) {
    if (row.deleted || row.value === undefined || row.value.trim() === '') continue
    let months = reported.get(row.orgUnit)
    if (!months) reported.set(row.orgUnit, (months = new Set()))
    months.add(row.period)
    if (!wanted.has(row.dataElement)) continue
    const value = Number(row.value)
    if (!Number.isFinite(value)) continue
    const key = `${row.orgUnit}.${row.dataElement}.${row.categoryOptionCombo}`
    let series = cells.get(key)
    if (!series) cells.set(key, (series = new Map()))
    series.set(row.period, value)
    const at = `${row.orgUnit}.${row.dataElement}.${row.period}`
    if (!aocOf.has(at)) aocOf.set(at, row.attributeOptionCombo ?? '')
  }

  const findings: Finding[] = []
  for (const [rc, months] of reported) {
    for (const element of elements) {
      const series = element.combos.map((c) => cells.get(`${rc}.${element.id}.${c.id}`))
      for (const month of [...months].sort()) {
        const filled = series.map((s) => s?.get(month))
        if (!filled.some((v) => v !== undefined)) continue
        const missing = element.combos.filter((_, i) => {
          if (filled[i] !== undefined) return false
          const history = [...months].filter((m) => m !== month).map((m) => series[i]?.get(m) ?? 0)
          return history.length >= MIN_HISTORY && Math.min(...history) >= USUAL_MINIMUM
        })
        if (missing.length === 0) continue
        const total = filled.reduce<number>((sum, v) => sum + (v ?? 0), 0)
        findings.push({
          id: findingId('disaggregation', rc, month, element.id),
          kind: 'disaggregation',
          orgUnit: rc,
          period: month,
          attributeOptionCombo: aocOf.get(`${rc}.${element.id}.${month}`) ?? '',
          dataElement: { id: element.id, name: element.name },
          value: String(total),
          missing,
        })
      }
    }
  }
  return findings
}

/** The RC that reported each month (any value of the data set): the base of the quality score. */
export function reportingRcs(rows: readonly DataValueRow[]): Map<string, Set<string>> {
  const byMonth = new Map<string, Set<string>>()
  for (const row of rows) {
    if (row.deleted || row.value === undefined || row.value.trim() === '') continue
    let rcs = byMonth.get(row.period)
    if (!rcs) byMonth.set(row.period, (rcs = new Set()))
    rcs.add(row.orgUnit)
  }
  return byMonth
}
