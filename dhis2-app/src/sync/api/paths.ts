// Where the bridge is, seen from the app: only through the DHIS2 Route `relais-bridge` (DHIS2 adds the route's
// secret and X-Forwarded-User; no secret is ever in the browser). Pure: builds resources, query strings, URLs.
import { bridgeResource, type QueryParams } from '../../shared/bridge/paths'
import { RECORD_STATUSES, type RecordStatus, type RunMode } from './types'

/** The filters of the record search form, as typed. */
export interface RecordSearch {
  rcCode?: string
  period?: string
  status?: string
  sourceKey?: string
  source?: string
  runId?: string
}

/** "2026-09", "09/2026", "2026 09" → "202609"; a DHIS2 period id or anything else is kept (trimmed). */
export function normalisePeriod(text: string): string {
  const value = text.trim()
  const yearFirst = /^(\d{4})[-/. ]?(\d{1,2})$/.exec(value)
  if (yearFirst && !/^\d{6}$/.test(value)) return `${yearFirst[1]}${yearFirst[2]!.padStart(2, '0')}`
  const monthFirst = /^(\d{1,2})[-/. ](\d{4})$/.exec(value)
  if (monthFirst) return `${monthFirst[2]}${monthFirst[1]!.padStart(2, '0')}`
  return value
}

const isStatus = (value: string): value is RecordStatus => (RECORD_STATUSES as readonly string[]).includes(value)

/**
 * The query of GET records: blank filters left out (the bridge refuses empty ones), RC codes upper-cased (codes
 * are upper case in DHIS2), periods as DHIS2 period ids, an unknown status dropped rather than sent to be refused.
 */
export function recordSearchParams(search: RecordSearch, page = 1, pageSize = 20): QueryParams {
  const params: QueryParams = {}
  const rcCode = search.rcCode?.trim()
  if (rcCode) params.rcCode = rcCode.toUpperCase()
  const period = search.period ? normalisePeriod(search.period) : ''
  if (period) params.period = period
  const status = search.status?.trim()
  if (status && isStatus(status)) params.status = status
  const sourceKey = search.sourceKey?.trim()
  if (sourceKey) params.sourceKey = sourceKey
  const source = search.source?.trim()
  if (source) params.source = source
  const runId = search.runId?.trim()
  if (runId) params.runId = runId
  params.page = Math.max(1, Math.floor(page))
  params.pageSize = pageSize
  return params
}

export function hasFilter(search: RecordSearch): boolean {
  const params = recordSearchParams(search)
  return Object.keys(params).some((key) => key !== 'page' && key !== 'pageSize')
}

/** `../..` or `https://dhis2.example.org` + `/api/…`: the base URL of the app's config, made absolute. */
export function apiUrl(baseUrl: string, path: string, location: string): string {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`, location)
  return new URL(`api/${path.replace(/^\/+/, '')}`, base).toString()
}

/**
 * The upload URL through the route: the file is the raw body, its source and name in the query string; an
 * import names the dry run it confirms.
 */
export function uploadPath(source: string, filename: string, mode: RunMode, confirms?: string): string {
  const query = new URLSearchParams({ source, filename, mode, ...(confirms ? { confirms } : {}) })
  return `${bridgeResource('uploads')}?${query.toString()}`
}
