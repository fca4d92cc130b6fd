/**
 * A dry run's diff, summed from its records' own (dry-run-diff.ts): totals, one row per RC and period, and the
 * lines that would change DHIS2 (capped: the table is for reading, the counts are exact). Computed live from
 * the ledger (`runs.diffRows`), as run counts are; with a supervisor's scope, of their org units only.
 */
import type { z } from 'zod'
import type { RunDiffSchema } from '../../api/contract'
import type { RunDiffRow } from '../../ledger/runs'
import { CHANGE_KINDS, emptyCounts, type RecordDiff, type SeenValue } from './dry-run-diff'

export const MAX_DIFF_LINES = 500

/** What GET /api/v1/runs/{id}/diff answers (api/contract.ts): one shape for the bridge, its docs and the app. */
export type RunDiff = z.output<typeof RunDiffSchema>
export type DiffRow = RunDiff['rows'][number]

/** Pure: the run's diff from its records' rows (ledger `runs.diffRows`). */
export function summarizeDiff(rows: readonly RunDiffRow[]): RunDiff {
  const totals = emptyCounts()
  const byRcPeriod = new Map<string, DiffRow>()
  const lines: RunDiff['lines'] = []
  let allLines = 0
  for (const row of rows) {
    const diff = row.diff as Partial<RecordDiff> | null
    const key = `${row.orgUnit ?? ''}|${row.period ?? ''}`
    let out = byRcPeriod.get(key)
    if (!out) {
      out = { orgUnit: row.orgUnit, rcCode: row.rcCode, period: row.period, records: 0, counts: emptyCounts() }
      byRcPeriod.set(key, out)
    }
    out.records++
    for (const kind of CHANGE_KINDS) {
      const n = diff?.counts?.[kind] ?? 0
      out.counts[kind] += n
      totals[kind] += n
    }
    for (const line of diff?.lines ?? []) {
      allLines++
      if (lines.length < MAX_DIFF_LINES) lines.push({ ...line, rcCode: row.rcCode })
    }
  }
  return { records: rows.length, totals, rows: [...byRcPeriod.values()], lines, truncated: allLines > lines.length }
}

/** Every key a dry run read and what DHIS2 held there then: what « Importer » checks first. */
export function seenOf(rows: readonly RunDiffRow[]): SeenValue[] {
  return rows.flatMap((row) => (row.diff as Partial<RecordDiff> | null)?.seen ?? [])
}
