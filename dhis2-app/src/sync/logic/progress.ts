// A run's progress from its live counts: records settle (leave received/mapped) as the pipeline works. Pure.
import { RECORD_STATUSES, type RecordStatus, type RunDetail, type StatusCounts } from '../api/types'
import { isRunTerminal } from './status'

export interface RunProgress {
  /** 0–100; 100 once the run is over, whatever its counts. */
  percent: number
  settled: number
  total: number
  inFlight: number
  terminal: boolean
}

export function runProgress({ run, counts }: RunDetail): RunProgress {
  const terminal = isRunTerminal(run.status)
  const total = counts.total
  const inFlight = (counts.received ?? 0) + (counts.mapped ?? 0)
  const settled = Math.max(0, total - inFlight)
  const percent = terminal ? 100 : total === 0 ? 0 : Math.min(99, Math.floor((settled / total) * 100))
  return { percent, settled, total, inFlight, terminal }
}

/** The statuses that have records, in the life order of a record (received … failed), with their counts. */
export function countsList(counts: StatusCounts | null | undefined): Array<{ status: RecordStatus; count: number }> {
  if (!counts) return []
  return RECORD_STATUSES.filter((status) => (counts[status] ?? 0) > 0).map((status) => ({
    status,
    count: counts[status],
  }))
}
