// The periodic bulletin (issue 15 §4) for one zone or département and one period: each section built from what
// DHIS2, the bridge and the help desk answered. Pure: answers in, figures out, so each figure can be checked
// without a server; the screen and the CSV both show these figures and nothing else.
import type { Period } from '../shared/mappings'
import { reportingRate as rate, type RegistrationRow } from '../dashboard/performance/performance'
import type { DashboardModel, UnitFigures } from '../dashboard/analytics/dashboardModel'
import { reportingRate, type AnalyticsTable } from '../dashboard/analytics/analyticsResponse'
import {
  INDICATOR_CODES,
  type DashboardMetadata,
  type IndicatorCode,
} from '../dashboard/analytics/useDashboardMetadata'
import { weeklyProgress } from '../dashboard/weekly/weekly'
import { gapStatus, type GapCause, type GapDocument, type GapStatus } from '../dashboard/gaps/gaps'
import type { ReminderEffectRow, ReminderSend } from '../shared/bridge/reminders'
import { statsByCategory, statsTotal, type StatsRow } from '../helpdesk/helpdeskStats'
import type { Ticket } from '../helpdesk/tickets'

/** A section that could not be read says why (in the user's words) instead of hiding the others. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string }

export interface UnitReports {
  id: string
  name: string
  expected: number
  actual: number
  onTime: number
  /** % (DHIS2's reporting rate: capped at 100, 0 when nothing is expected). */
  completeness: number
  timeliness: number
  /** Weekly bulletin: reports completed during the week itself. */
  inWeek?: number
}

export interface CompletenessSection {
  /** Set for a weekly bulletin: the month whose reports were being completed, and the week. */
  weekly?: { month: Period; week: Period }
  total: UnitReports
  children: UnitReports[]
}

export interface IndicatorRow {
  code: IndicatorCode
  name: string
  value?: number
  numerator?: number
  denominator?: number
  /**
   * The target, in %, for the three achievements of the RC's annual targets (IND_REAL_*: 100 % is the target
   * pro-rated to the months elapsed, community-program.md); the other indicators have none.
   */
  target?: number
  /** Whether the value reaches the target; undefined without target or value. */
  met?: boolean
}

export interface GapFollowUp {
  cause: GapCause
  causeDetail: string
  action: string
  dueDate: string
  status: GapStatus
}

/** An RC expected to report for a month who has no complete report for it. */
export interface GapRow {
  rcId: string
  rcName: string
  /** The sub-unit of the bulletin's org unit the RC is in (a zone of a département, an aire of a zone). */
  unitName: string
  month: string
  /** Reminders the bridge sent for this month (undefined: the bridge could not be read). */
  reminders?: number
  lastReminderDay?: string
  /** What the supervisor recorded (gap store), if anything. */
  followUp?: GapFollowUp
}

export interface GapsSection {
  rows: GapRow[]
  /** Whether the reminder counts are known (the bridge answered). */
  remindersKnown: boolean
  /** Why they are not known, when they are not. */
  remindersProblem?: string
}

export interface EffectRow {
  month: string
  /** A zone's id, or null for all the bulletin's zones together. */
  zone: string | null
  reminded: { count: number; completed: number; share: number | null }
  heldOut: { count: number; completed: number; share: number | null }
  /** Percentage points, reminded minus held out (one decimal, as the bridge rounds it). */
  difference: number | null
}

export interface HelpdeskSection {
  byCategory: StatsRow[]
  total: StatsRow
}

const unitReports = (f: UnitFigures): UnitReports => ({
  id: f.id,
  name: f.name,
  expected: f.reports.expected,
  actual: f.reports.actual,
  onTime: f.reports.onTime,
  completeness: f.completeness,
  timeliness: f.timeliness,
})

/**
 * Monthly and longer: the dashboard's own figures — analytics plus the completions since its last run. Each
 * sub-unit's line adds up its RC (the model's RC lines carry those fresh completions too, so the lines add up to
 * the total, which analytics' own sub-unit figures would not until its next run). A sub-unit with no RC expected
 * has no line, as in analytics.
 */
export function completenessFromModel(
  model: DashboardModel,
  subUnits: ReadonlyArray<{ id: string; name: string }>,
  rcUnit: ReadonlyMap<string, { id: string; name: string }>,
): CompletenessSection {
  const children = subUnits
    .map((sub) => {
      const mine = model.rcs.filter((rc) => rcUnit.get(rc.id)?.id === sub.id)
      const sum = (pick: (r: (typeof mine)[number]) => number) => mine.reduce((n, r) => n + pick(r), 0)
      const reports = {
        expected: sum((r) => r.reports.expected),
        actual: sum((r) => r.reports.actual),
        onTime: sum((r) => r.reports.onTime),
      }
      return unitReports({
        id: sub.id,
        name: sub.name,
        reports,
        completeness: rate(reports.actual, reports.expected),
        timeliness: rate(reports.onTime, reports.expected),
      })
    })
    .filter((u) => u.expected > 0)
  return { total: unitReports(model.summary), children }
}

export interface WeeklyInput {
  week: Period
  month: Period
  orgUnit: { id: string; name: string }
  /** Analytics of the month at RC level (REPORTING_RATE with includeNumDen): who is expected, how many times. */
  rcs: AnalyticsTable
  dataSet: string
  /** RC id → the sub-unit (id, name) of the bulletin's org unit it belongs to. */
  rcUnit: ReadonlyMap<string, { id: string; name: string }>
  registrations: readonly RegistrationRow[]
  timelyDays: number
}

/**
 * Weekly: reports of the month completed during the week, and in all up to the week's end, against the RC
 * expected for the month (the weekly view's progress, dashboard/weekly/weekly.ts, per sub-unit too).
 */
export function weeklyCompleteness(input: WeeklyInput): CompletenessSection {
  const expectedOf = (ids: readonly string[]) =>
    ids.reduce(
      (sum, ou) =>
        sum + (input.rcs.get({ dx: reportingRate(input.dataSet), pe: input.month.id, ou })?.denominator ?? 0),
      0,
    )
  const figures = (id: string, name: string, rcIds: string[]): UnitReports => {
    const expected = expectedOf(rcIds)
    const rows = weeklyProgress(
      input.month,
      input.week,
      input.registrations,
      new Set(rcIds),
      expected,
      input.timelyDays,
    )
    const last = rows.at(-1)
    const actual = last?.cumulative ?? 0
    const onTime = last?.cumulativeOnTime ?? 0
    return {
      id,
      name,
      expected,
      actual,
      onTime,
      completeness: rate(actual, expected),
      timeliness: rate(onTime, expected),
      inWeek: last && last.week.id === input.week.id ? last.completed : 0,
    }
  }
  const rcIds = input.rcs.itemsOf('ou').filter((id) => id !== input.orgUnit.id)
  const units = new Map<string, { name: string; rcIds: string[] }>()
  for (const id of rcIds) {
    const unit = input.rcUnit.get(id)
    if (!unit) continue
    const entry = units.get(unit.id) ?? { name: unit.name, rcIds: [] }
    entry.rcIds.push(id)
    units.set(unit.id, entry)
  }
  return {
    weekly: { month: input.month, week: input.week },
    total: figures(input.orgUnit.id, input.orgUnit.name, rcIds),
    children: [...units]
      .map(([id, u]) => figures(id, u.name, u.rcIds))
      .sort((a, b) => a.name.localeCompare(b.name, 'fr')),
  }
}

const ACHIEVEMENTS: ReadonlySet<IndicatorCode> = new Set(['IND_REAL_SENS', 'IND_REAL_VAD', 'IND_REAL_TDR'])
export const ACHIEVEMENT_TARGET = 100

/** The indicators of community-program.md for the org unit and period, in the programme's order. */
export function indicatorRows(meta: Pick<DashboardMetadata, 'indicators'>, model: DashboardModel): IndicatorRow[] {
  return INDICATOR_CODES.filter((code) => meta.indicators[code]).map((code) => {
    const figure = model.summary.indicators[code]
    const target = ACHIEVEMENTS.has(code) ? ACHIEVEMENT_TARGET : undefined
    const row: IndicatorRow = { code, name: meta.indicators[code]?.displayName ?? code, ...figure }
    if (target !== undefined) {
      row.target = target
      if (figure?.value !== undefined) row.met = figure.value >= target
    }
    return row
  })
}

export interface GapsInput {
  /** Analytics at RC level with one column per month (REPORTING_RATE, includeNumDen). */
  rcs: AnalyticsTable
  dataSet: string
  orgUnitId: string
  months: readonly Period[]
  /** Every registration of these months under the org unit (completed or not). */
  registrations: readonly RegistrationRow[]
  rcName: (id: string) => string
  rcUnit: ReadonlyMap<string, { id: string; name: string }>
  /** The gap store's documents, one per month (gapStore.ts). */
  gapDocuments: readonly GapDocument[]
  /** The bridge's sends for these months, or the reason they could not be read. */
  sends: Outcome<readonly Pick<ReminderSend, 'kind' | 'status' | 'orgUnit' | 'period' | 'day'>[]>
  today: string
}

/**
 * Every (RC, month) the RC was expected for and has no complete report: analytics' numerator is 0 and no
 * completed registration came since (the dashboard's « not reported »). With what was done about it: the
 * reminders the bridge sent for that month, and the cause, action and status the supervisor recorded.
 */
export function gapsSection(input: GapsInput): GapsSection {
  const completed = new Set(
    input.registrations.filter((r) => r.completed).map((r) => `${r.period}|${r.organisationUnit}`),
  )
  const reminders = new Map<string, { count: number; last: string }>()
  if (input.sends.ok) {
    for (const s of input.sends.value) {
      if (!((s.kind === 'reminder' || s.kind === 'manual') && s.status === 'sent')) continue
      const key = `${s.period}|${s.orgUnit}`
      const known = reminders.get(key)
      reminders.set(key, { count: (known?.count ?? 0) + 1, last: known && known.last > s.day ? known.last : s.day })
    }
  }
  const gapsOf = new Map(input.gapDocuments.map((d) => [d.period, d.gaps]))
  const rows: GapRow[] = []
  for (const month of input.months) {
    for (const rcId of input.rcs.itemsOf('ou')) {
      if (rcId === input.orgUnitId) continue
      const cell = input.rcs.get({ dx: reportingRate(input.dataSet), pe: month.id, ou: rcId })
      if (!cell || !cell.denominator) continue
      if ((cell.numerator ?? 0) > 0 || completed.has(`${month.id}|${rcId}`)) continue
      const row: GapRow = {
        rcId,
        rcName: input.rcName(rcId),
        unitName: input.rcUnit.get(rcId)?.name ?? '',
        month: month.id,
      }
      if (input.sends.ok) {
        const sent = reminders.get(`${month.id}|${rcId}`)
        row.reminders = sent?.count ?? 0
        if (sent) row.lastReminderDay = sent.last
      }
      const record = gapsOf.get(month.id)?.[rcId]
      if (record?.cause && record.dueDate !== undefined) {
        row.followUp = {
          cause: record.cause,
          causeDetail: record.causeDetail ?? '',
          action: record.action ?? '',
          dueDate: record.dueDate,
          status: gapStatus(record, input.today),
        }
      }
      rows.push(row)
    }
  }
  rows.sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      a.unitName.localeCompare(b.unitName, 'fr') ||
      a.rcName.localeCompare(b.rcName, 'fr'),
  )
  return input.sends.ok
    ? { rows, remindersKnown: true }
    : { rows, remindersKnown: false, remindersProblem: input.sends.reason }
}

const group = (count: number, completed: number) => ({
  count,
  completed,
  share: count === 0 ? null : completed / count,
})

/**
 * The bridge's reminders' effect for the bulletin's zones and months: each zone's rows, and for a département
 * (several zones) the zones together, added up from the zones' counts (the bridge's own « all zones » row is
 * the whole country's).
 */
export function reminderEffectRows(
  rows: readonly ReminderEffectRow[],
  zones: ReadonlySet<string>,
  months: readonly string[],
): EffectRow[] {
  const out: EffectRow[] = []
  for (const month of [...months].sort()) {
    const mine = rows.filter((r) => r.period === month && r.zone !== null && zones.has(r.zone))
    mine.sort((a, b) => (a.zone ?? '').localeCompare(b.zone ?? ''))
    for (const r of mine)
      out.push({ month, zone: r.zone, reminded: r.reminded, heldOut: r.heldOut, difference: r.difference })
    if (zones.size > 1 && mine.length > 0) {
      const sum = (pick: (r: ReminderEffectRow) => number) => mine.reduce((n, r) => n + pick(r), 0)
      const reminded = group(
        sum((r) => r.reminded.count),
        sum((r) => r.reminded.completed),
      )
      const heldOut = group(
        sum((r) => r.heldOut.count),
        sum((r) => r.heldOut.completed),
      )
      const difference =
        reminded.share === null || heldOut.share === null
          ? null
          : Math.round((reminded.share - heldOut.share) * 1000) / 10
      out.push({ month, zone: null, reminded, heldOut, difference })
    }
  }
  return out
}

/**
 * The help desk's figures for the tickets filed during the period by RC of the org unit (the RC's org unit path
 * goes through it). Open counts say what is still open now.
 */
export function helpdeskSection(tickets: readonly Ticket[], orgUnitId: string, period: Period): HelpdeskSection {
  const mine = tickets.filter((t) => {
    const day = t.created.slice(0, 10)
    const inUnit = t.zoneId === orgUnitId || (t.orgUnit?.path ?? '').split('/').includes(orgUnitId)
    return inUnit && day >= period.startDate && day <= period.endDate
  })
  return { byCategory: statsByCategory(mine), total: statsTotal(mine) }
}
