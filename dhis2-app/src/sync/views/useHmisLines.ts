// The lines of a national HMIS report, read from the bridge: one page of a filter that may cover several statuses
// (logic/hmis.ts plans which reads make it), and every line of the filter for the CSV.
import { useDataEngine } from '@dhis2/app-runtime'
import { useCallback, useEffect, useState } from 'react'
import { classifyError, type BridgeProblem } from '../../shared/bridge/bridgeProblem'
import { queryBridge } from '../../shared/bridge/useBridge'
import type { HmisLineStatus, HmisPush, HmisReport, HmisReportLine, Pager } from '../api/types'
import { planLinePage } from '../logic/hmis'

type Engine = ReturnType<typeof useDataEngine>

const reportPath = (pushId: string) => `hmis/pushes/${encodeURIComponent(pushId)}`

interface LinesState {
  key: string
  lines?: HmisReportLine[]
  pager?: Pager
  problem?: BridgeProblem
}

/**
 * Page `page` of the report's lines of `statuses` (null counts: the push is not done, nothing to read yet). Keeps
 * the page on screen while the next one is read.
 */
export function useHmisLines(
  pushId: string,
  counts: HmisPush['counts'] | null,
  statuses: readonly HmisLineStatus[],
  page: number,
) {
  const engine = useDataEngine()
  const [state, setState] = useState<LinesState>({ key: '' })
  const [generation, setGeneration] = useState(0)
  const key = counts ? `${pushId}|${JSON.stringify(counts)}|${statuses.join(',')}|${page}|${generation}` : ''

  useEffect(() => {
    if (!counts) return
    let cancelled = false
    const plan = planLinePage(counts, statuses, page)
    Promise.all(
      plan.fetches.map(async (f) => {
        const answer = await queryBridge<HmisReport>(engine, reportPath(pushId), {
          status: f.status,
          page: f.page,
          pageSize: f.pageSize,
        })
        return answer.lines.slice(f.skip, f.skip + f.take)
      }),
    ).then(
      (parts) => !cancelled && setState({ key, lines: parts.flat(), pager: plan.pager }),
      (error: unknown) => !cancelled && setState((previous) => ({ ...previous, key, problem: classifyError(error) })),
    )
    return () => {
      cancelled = true
    }
    // `key` stands for the push, its counts, the statuses, the page and a refetch
  }, [engine, key])

  const refetch = useCallback(() => setGeneration((g) => g + 1), [])
  const current = state.key === key
  return {
    lines: state.lines,
    pager: state.pager,
    problem: current ? state.problem : undefined,
    loading: counts !== null && !current,
    refetch,
  }
}

/** The most lines the bridge gives in one answer (its MAX_API_PAGE_SIZE): the fewest reads for a whole report. */
const WHOLE_PAGE = 100

/** Every line of `statuses`, in the report's order by status: what the CSV holds. */
export async function readAllLines(
  engine: Engine,
  pushId: string,
  counts: HmisPush['counts'],
  statuses: readonly HmisLineStatus[],
): Promise<HmisReportLine[]> {
  const lines: HmisReportLine[] = []
  for (const status of statuses) {
    const pages = Math.ceil((counts[status] ?? 0) / WHOLE_PAGE)
    for (let page = 1; page <= pages; page++) {
      const answer = await queryBridge<HmisReport>(engine, reportPath(pushId), {
        status,
        page,
        pageSize: WHOLE_PAGE,
      })
      lines.push(...answer.lines)
    }
  }
  return lines
}
