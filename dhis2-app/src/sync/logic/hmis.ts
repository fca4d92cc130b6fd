// The pushes to the national HMIS (issue 19 §2) as people read them: modes, statuses and report lines in words, the
// months to choose from, and how one page of a report filtered by several statuses is read from the bridge, which
// filters by one status at a time. Pure.
import i18n from '@dhis2/d2-i18n'
import type { Language } from '../../shared/language'
import type { CsvCell } from '../../shared/csv/csv'
import type { HmisLineStatus, HmisMode, HmisPush, HmisPushStatus, HmisReportLine, Pager } from '../api/types'
import type { Tone } from './status'

/**
 * Every line status with its colour, in the order a report shows them: what needs a person first (refused, then
 * differences), matches last. A Record, so a status the bridge adds is a compile error here, not a gap.
 */
export const HMIS_LINE_TONE: Readonly<Record<HmisLineStatus, Tone>> = {
  refused: 'negative',
  different: 'warning',
  'missing-at-national': 'warning',
  'national-only': 'warning',
  unmapped: 'neutral',
  match: 'positive',
}
export const HMIS_LINE_STATUSES = Object.keys(HMIS_LINE_TONE) as HmisLineStatus[]

export const HMIS_PUSH_TONE: Readonly<Record<HmisPushStatus, Tone>> = {
  running: 'running',
  done: 'positive',
  failed: 'negative',
}

/** The modes in the order the launch form offers them: the harmless dry run first. */
export const HMIS_MODES: readonly HmisMode[] = ['dry-run', 'push', 'check']

export const isHmisMode = (value: string): value is HmisMode => (HMIS_MODES as readonly string[]).includes(value)

export function hmisLineStatusLabel(status: HmisLineStatus): string {
  switch (status) {
    case 'match':
      return i18n.t('Match')
    case 'different':
      return i18n.t('Different')
    case 'missing-at-national':
      return i18n.t('Missing at national')
    case 'unmapped':
      return i18n.t('Not mapped')
    case 'refused':
      return i18n.t('Refused value')
    case 'national-only':
      return i18n.t('National only')
  }
}

/** The mode as the list shows it. */
export function hmisModeLabel(mode: HmisMode): string {
  switch (mode) {
    case 'push':
      return i18n.t('Push')
    case 'dry-run':
      return i18n.t('Trial')
    case 'check':
      return i18n.t('Check')
  }
}

/** The mode as the launch form offers it: what it does to the national instance, said in the choice itself. */
export function hmisModeChoiceLabel(mode: HmisMode): string {
  switch (mode) {
    case 'push':
      return i18n.t('Send')
    case 'dry-run':
      return i18n.t('Trial (nothing is written)')
    case 'check':
      return i18n.t('Check (read only)')
  }
}

export function hmisPushStatusLabel(status: HmisPushStatus): string {
  switch (status) {
    case 'running':
      return i18n.t('In progress')
    case 'done':
      return i18n.t('Done')
    case 'failed':
      return i18n.t('Failed')
  }
}

/** "202610" (DHIS2) or "2026-10" → "octobre 2026" / "October 2026"; anything else as it is. */
export function monthLabel(period: string, language: Language): string {
  const m = /^(\d{4})-?(\d{2})$/.exec(period)
  if (!m) return period
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date)
}

/**
 * The months a person may push, newest first, as the API takes them (YYYY-MM): the month before DHIS2's date first
 * — the one the monthly push sends, complete by now — then the `count - 1` before it. The current month is left
 * out: its reports are still coming in. DHIS2's clock (system/info `serverDate`, server-local), not the browser's,
 * decides which month that is, as for the periods open in Saisie.
 */
export function pushableMonths(serverDate: string, count = 24): string[] {
  const m = /^(\d{4})-(\d{2})/.exec(serverDate)
  if (!m) throw new Error(`Unreadable server date: ${serverDate}`)
  const months: string[] = []
  let year = Number(m[1])
  let month = Number(m[2]) - 1 // the month before, 1-based
  for (let i = 0; i < count; i++) {
    if (month === 0) {
      year--
      month = 12
    }
    months.push(`${year}-${String(month).padStart(2, '0')}`)
    month--
  }
  return months
}

/** The counts of a push in the report's order, zero ones left out: « 3 Refusée · 120 Identique ». */
export function countsInOrder(counts: HmisPush['counts']): Array<{ status: HmisLineStatus; count: number }> {
  return HMIS_LINE_STATUSES.map((status) => ({ status, count: counts[status] ?? 0 })).filter((c) => c.count > 0)
}

/**
 * The lines filter of a report: '' (the default) every line that is not a match — what a person has to look at;
 * 'all' every line; or one status. An unknown value (an old address) is the default.
 */
export const ALL_LINES = 'all'

export function statusesOfFilter(filter: string): HmisLineStatus[] {
  if (filter === ALL_LINES) return [...HMIS_LINE_STATUSES]
  if ((HMIS_LINE_STATUSES as readonly string[]).includes(filter)) return [filter as HmisLineStatus]
  return HMIS_LINE_STATUSES.filter((s) => s !== 'match')
}

/** One read of the bridge for a page: `GET hmis/pushes/{id}?status&page&pageSize`, then `slice(skip, skip+take)`. */
export interface LineFetch {
  status: HmisLineStatus
  page: number
  pageSize: number
  skip: number
  take: number
}

export interface LinePlan {
  pager: Pager
  /** The reads, in order: their slices, one after the other, are the page. */
  fetches: LineFetch[]
}

/**
 * Page `page` of the lines of `statuses`, the statuses one after the other in that order (the bridge's own order
 * within each): the push's counts say how many lines each status has, so the page's window falls on known
 * positions of each status, read with the bridge's own paging (a window cut by a page boundary of the bridge is
 * two reads of it).
 */
export function planLinePage(
  counts: HmisPush['counts'],
  statuses: readonly HmisLineStatus[],
  page: number,
  pageSize = 20,
): LinePlan {
  const total = statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0)
  const pageCount = Math.ceil(total / pageSize)
  const current = Math.max(1, Math.floor(page))
  const start = (current - 1) * pageSize
  const end = Math.min(start + pageSize, total)
  const fetches: LineFetch[] = []
  let offset = 0 // where the current status's lines start in the whole filtered list
  for (const status of statuses) {
    const n = counts[status] ?? 0
    const from = Math.max(start, offset) - offset
    const to = Math.min(end, offset + n) - offset
    for (let at = from; at < to;) {
      const bridgePage = Math.floor(at / pageSize) + 1
      const pageEnd = bridgePage * pageSize
      const take = Math.min(to, pageEnd) - at
      fetches.push({ status, page: bridgePage, pageSize, skip: at - (bridgePage - 1) * pageSize, take })
      at += take
    }
    offset += n
  }
  return { pager: { page: current, pageSize, total, pageCount }, fetches }
}

/** The pushes of one page of the list (the bridge answers the newest ones in one list, without pages). */
export function pageOfPushes<T>(items: readonly T[], page: number, pageSize = 20): { items: T[]; pager: Pager } {
  const total = items.length
  const pageCount = Math.ceil(total / pageSize)
  const current = Math.min(Math.max(1, Math.floor(page)), Math.max(1, pageCount))
  return {
    items: items.slice((current - 1) * pageSize, current * pageSize),
    pager: { page: current, pageSize, total, pageCount },
  }
}

/** The line's cell, national first (what the national HMIS calls it), then the programme's. */
export const cellOf = (line: HmisReportLine, side: 'national' | 'programme'): string =>
  (side === 'national' ? line.nationalDataElement : line.dataElement) ?? ''

/** The reason in the UI's language (the report carries both). */
export function reasonOf(line: HmisReportLine, language: Language): string {
  return line.reason ? line.reason[language] : ''
}

/** A value as a spreadsheet should read it: a number as a number (decimal comma in French), anything else as text. */
function valueCell(value: string | undefined): CsvCell {
  if (value === undefined) return ''
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value
}

/** The report's CSV: one row per line, both sides' codes, both values, the status and the reason in `language`. */
export function reportCsv(
  lines: readonly HmisReportLine[],
  language: Language,
): { header: string[]; rows: CsvCell[][] } {
  const header = [
    i18n.t('Period'),
    i18n.t('Zone'),
    i18n.t('National zone'),
    i18n.t('National cell'),
    i18n.t('Programme cell'),
    i18n.t('Programme value'),
    i18n.t('National value'),
    i18n.t('Status'),
    i18n.t('Reason'),
    i18n.t('DHIS2 message'),
  ]
  const rows = lines.map((l) => [
    l.period,
    l.orgUnit ?? '',
    l.nationalOrgUnit ?? '',
    l.nationalDataElement ?? '',
    l.dataElement ?? '',
    valueCell(l.programmeValue),
    valueCell(l.nationalValue),
    hmisLineStatusLabel(l.status),
    reasonOf(l, language),
    l.conflict ?? '',
  ])
  return { header, rows }
}

/** A push is followed (asked again) while it runs. */
export const isRunning = (push: Pick<HmisPush, 'status'>): boolean => push.status === 'running'
