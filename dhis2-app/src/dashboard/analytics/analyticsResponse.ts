// Reading DHIS2 analytics answers (shared/reference/dhis2-analytics.md §2). Pure.

export interface AnalyticsHeader {
  name: string
}

export interface AnalyticsResponse {
  headers: AnalyticsHeader[]
  rows: string[][]
  metaData?: { items?: Record<string, { name?: string }>; dimensions?: Record<string, string[]> }
}

export interface AnalyticsCell {
  value: number
  /** With includeNumDen: the numerator / denominator (reporting rates: actual / expected reports). */
  numerator?: number
  denominator?: number
}

const number = (text: string | undefined): number | undefined => {
  if (text === undefined || text === '') return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/** Cells keyed by the dimension items in header order, joined with '|' (e.g. `dx|pe|ou`). */
export class AnalyticsTable {
  readonly cells = new Map<string, AnalyticsCell>()
  readonly names: Record<string, string>
  private readonly dimensions: string[]

  constructor(response: AnalyticsResponse) {
    const names = response.headers.map((h) => h.name)
    const valueAt = names.indexOf('value')
    const numAt = names.indexOf('numerator')
    const denAt = names.indexOf('denominator')
    this.dimensions = names.filter(
      (n) => !['value', 'numerator', 'denominator', 'factor', 'multiplier', 'divisor'].includes(n),
    )
    const dimAt = this.dimensions.map((d) => names.indexOf(d))
    for (const row of response.rows) {
      const value = number(row[valueAt])
      if (value === undefined) continue
      const key = dimAt.map((i) => row[i] ?? '').join('|')
      this.cells.set(key, { value, numerator: number(row[numAt]), denominator: number(row[denAt]) })
    }
    this.names = Object.fromEntries(
      Object.entries(response.metaData?.items ?? {}).map(([id, item]) => [id, item.name ?? id]),
    )
  }

  /** The cell for these items, given by dimension id ({ dx, pe, ou }); dimensions not in the table are ignored. */
  get(items: Record<string, string>): AnalyticsCell | undefined {
    return this.cells.get(this.dimensions.map((d) => items[d] ?? '').join('|'))
  }

  value(items: Record<string, string>): number | undefined {
    return this.get(items)?.value
  }

  /** The distinct items of one dimension that have at least one row. */
  itemsOf(dimension: string): string[] {
    const at = this.dimensions.indexOf(dimension)
    if (at < 0) return []
    return [...new Set([...this.cells.keys()].map((key) => key.split('|')[at] ?? ''))]
  }

  name(id: string): string {
    return this.names[id] ?? id
  }
}

/** `<dataSetUid>.REPORTING_RATE` and friends (analytics §1.2). */
export const reportingRate = (dataSet: string) => `${dataSet}.REPORTING_RATE`
export const reportingRateOnTime = (dataSet: string) => `${dataSet}.REPORTING_RATE_ON_TIME`
