// Reading what the bulletin needs, through the app's data engine: DHIS2's analytics and completion registrations
// (the figures), the gap store (the follow-up), the bridge through the DHIS2 route (reminders), DHIS2's feedback
// tickets (the help desk). Each section is read on its own: one that fails says why, the others still show.
import type { useDataEngine } from '@dhis2/app-runtime'
import i18n from '@dhis2/d2-i18n'
import type { Period } from '../shared/mappings'
import { RC_LEVEL } from '../shared/orgunits/types'
import { engineAccess } from '../shared/dhis2Access'
import { classifyError } from '../shared/bridge/bridgeProblem'
import { problemMessage } from '../shared/bridge/messages'
import { REMINDER_PATHS, type ReminderEffect, type ReminderSend } from '../shared/bridge/reminders'
import { queryBridge } from '../shared/bridge/useBridge'
import type { RegistrationRow } from '../dashboard/performance/performance'
import {
  AnalyticsTable,
  reportingRate,
  reportingRateOnTime,
  type AnalyticsResponse,
} from '../dashboard/analytics/analyticsResponse'
import { buildDashboardModel } from '../dashboard/analytics/dashboardModel'
import {
  analyticsAsOf,
  analyticsQuery,
  readSystemInfo,
  registrationsQuery,
  type SystemInfo,
} from '../dashboard/analytics/useDashboardData'
import { INDICATOR_CODES, type DashboardMetadata } from '../dashboard/analytics/useDashboardMetadata'
import { loadGaps } from '../dashboard/gaps/gapStore'
import { loadTickets } from '../helpdesk/helpdeskApi'
import { ticketFromConversation } from '../helpdesk/tickets'
import {
  completenessFromModel,
  gapsSection,
  helpdeskSection,
  indicatorRows,
  reminderEffectRows,
  weeklyCompleteness,
  type CompletenessSection,
  type EffectRow,
  type GapsSection,
  type HelpdeskSection,
  type IndicatorRow,
  type Outcome,
} from './bulletinModel'
import { analyticsPeriodOf, reportMonthsOf } from './bulletinPeriods'
import { ZONE_LEVEL } from './bulletinUnits'

type Engine = ReturnType<typeof useDataEngine>

export interface BulletinUnit {
  id: string
  name: string
  level: number
}

/** The figures from DHIS2 (analytics and registrations), and what the other sections need to know. */
export interface BulletinCore {
  info: SystemInfo & { readAt: number }
  completeness: CompletenessSection
  indicators: IndicatorRow[]
  /** Analytics at RC level for the period and each of its months. */
  rcs: AnalyticsTable
  registrations: RegistrationRow[]
  months: Period[]
  /** RC id → its sub-unit of the bulletin's org unit. */
  rcUnit: Map<string, { id: string; name: string }>
  /** The org unit's sub-units (the zones of a département, the aires of a zone). */
  subUnits: Array<{ id: string; name: string }>
}

export async function loadBulletinCore(
  engine: Engine,
  meta: DashboardMetadata,
  unit: BulletinUnit,
  period: Period,
): Promise<BulletinCore> {
  const ds = meta.dataSet.id
  const rr = [reportingRate(ds), reportingRateOnTime(ds)]
  const indicators = INDICATOR_CODES.map((c) => meta.indicators[c]?.id).filter((id): id is string => !!id)
  const analysed = analyticsPeriodOf(period)
  const months = reportMonthsOf(period)
  const info = await readSystemInfo(engine)
  const since = analyticsAsOf(info)
  const rcPeriods = [...new Set([analysed.id, ...months.map((m) => m.id)])]
  const childLevel = unit.level + 1
  const data = (await engine.query({
    summary: analyticsQuery(meta, [...rr, ...indicators], [analysed.id], unit.id, true, since),
    rcs: analyticsQuery(meta, rr, rcPeriods, `${unit.id};LEVEL-${RC_LEVEL}`, false, since),
    // Every registration of the months, not only those after the run: the week's completions and the gaps
    // need them all (the model counts only the ones after the run as fresh).
    registrations: registrationsQuery(
      ds,
      unit.id,
      months.map((m) => m.id),
    ),
    // The org unit's whole sub-tree in one list (a département: its zones, aires and RC, a few hundred at most):
    // the sub-units name the rows, and each RC's path says which sub-unit it is in.
    tree: {
      resource: 'organisationUnits',
      params: { filter: `path:like:${unit.id}`, fields: 'id,displayName,level,path', paging: false },
    },
  } as Parameters<Engine['query']>[0])) as unknown as {
    summary: AnalyticsResponse
    rcs: AnalyticsResponse
    registrations: { completeDataSetRegistrations?: RegistrationRow[] }
    tree: { organisationUnits?: Array<{ id: string; displayName: string; level: number; path: string }> }
  }
  const registrations = data.registrations.completeDataSetRegistrations ?? []
  const rcs = new AnalyticsTable(data.rcs)
  const tree = data.tree.organisationUnits ?? []
  const subUnits = tree
    .filter((u) => u.level === childLevel)
    .map((u) => ({ id: u.id, name: u.displayName }))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'))
  const subUnitById = new Map(subUnits.map((u) => [u.id, u]))
  const rcUnit = new Map<string, { id: string; name: string }>()
  for (const rc of tree.filter((u) => u.level === RC_LEVEL)) {
    const sub = subUnitById.get(rc.path.split('/').filter(Boolean)[childLevel - 1] ?? '')
    if (sub) rcUnit.set(rc.id, sub)
  }
  const model = buildDashboardModel({
    meta,
    orgUnit: { id: unit.id, name: unit.name },
    period: analysed,
    months,
    trendMonths: [],
    summary: new AnalyticsTable(data.summary),
    trend: new AnalyticsTable({ headers: [], rows: [] }),
    rcs,
    registrations,
    analyticsStartedAt: since,
    thresholds: meta.thresholds,
  })
  const completeness =
    period.periodType === 'Weekly'
      ? weeklyCompleteness({
          week: period,
          month: analysed,
          orgUnit: { id: unit.id, name: unit.name },
          rcs,
          dataSet: ds,
          rcUnit,
          registrations,
          timelyDays: meta.dataSet.timelyDays,
        })
      : completenessFromModel(model, subUnits, rcUnit)
  return {
    info,
    completeness,
    indicators: indicatorRows(meta, model),
    rcs,
    registrations,
    months,
    rcUnit,
    subUnits,
  }
}

const bridgeReason = (error: unknown) => problemMessage(classifyError(error))

/** At most this many pages of 100 sends per month: a month of a whole département fits with room to spare. */
const MAX_SEND_PAGES = 20

async function loadSends(engine: Engine, months: readonly Period[], rcIds: ReadonlySet<string>) {
  const sends: ReminderSend[] = []
  for (const month of months) {
    for (let page = 1; page <= MAX_SEND_PAGES; page++) {
      const answer = await queryBridge<{ items: ReminderSend[]; pager: { pageCount?: number } }>(
        engine,
        REMINDER_PATHS.sends,
        { period: month.id, status: 'sent', page, pageSize: 100 },
      )
      sends.push(...answer.items.filter((s) => rcIds.has(s.orgUnit)))
      if (page >= (answer.pager.pageCount ?? 1)) break
    }
  }
  return sends
}

/** The gaps with their follow-up: the gap store must answer; the bridge's sends are added when it answers. */
export async function loadBulletinGaps(
  engine: Engine,
  core: BulletinCore,
  unit: BulletinUnit,
  dataSet: string,
  today: string,
): Promise<GapsSection> {
  const rcIds = new Set(core.rcs.itemsOf('ou'))
  const [documents, sends] = await Promise.all([
    Promise.all(core.months.map((m) => loadGaps(engineAccess(engine), m.id).then((r) => r.document))),
    loadSends(engine, core.months, rcIds).then(
      (value): Outcome<ReminderSend[]> => ({ ok: true, value }),
      (error: unknown): Outcome<ReminderSend[]> => ({ ok: false, reason: bridgeReason(error) }),
    ),
  ])
  return gapsSection({
    rcs: core.rcs,
    dataSet,
    orgUnitId: unit.id,
    months: core.months,
    registrations: core.registrations,
    rcName: (id) => core.rcs.name(id),
    rcUnit: core.rcUnit,
    gapDocuments: documents,
    sends,
    today,
  })
}

/** The zones of the bulletin: the zone itself, or the zones of a département. */
export function zonesOf(unit: BulletinUnit, core: BulletinCore): Set<string> {
  return new Set(unit.level === ZONE_LEVEL ? [unit.id] : unit.level < ZONE_LEVEL ? core.subUnits.map((u) => u.id) : [])
}

export async function loadBulletinEffect(
  engine: Engine,
  unit: BulletinUnit,
  core: BulletinCore,
): Promise<Outcome<EffectRow[]>> {
  try {
    const effect = await queryBridge<ReminderEffect>(engine, REMINDER_PATHS.effect)
    return {
      ok: true,
      value: reminderEffectRows(
        effect.rows,
        zonesOf(unit, core),
        core.months.map((m) => m.id),
      ),
    }
  } catch (error) {
    return { ok: false, reason: bridgeReason(error) }
  }
}

export async function loadBulletinHelpdesk(
  engine: Engine,
  unit: BulletinUnit,
  period: Period,
): Promise<Outcome<HelpdeskSection>> {
  try {
    const conversations = await loadTickets(engine)
    const tickets = conversations.map((c) => ticketFromConversation(c, { showInternal: false }))
    return { ok: true, value: helpdeskSection(tickets, unit.id, period) }
  } catch (error) {
    const message = (error as { message?: string } | null)?.message
    return { ok: false, reason: message ?? i18n.t('DHIS2 did not answer.') }
  }
}
