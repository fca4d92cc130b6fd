import { parsePeriod, type Period } from '../shared/mappings'
import { AnalyticsTable } from '../dashboard/analytics/analyticsResponse'
import type { GapDocument } from '../dashboard/gaps/gaps'
import type { ReminderEffectRow } from '../shared/bridge/reminders'
import type { Ticket } from '../helpdesk/tickets'
import {
  gapsSection,
  helpdeskSection,
  indicatorRows,
  reminderEffectRows,
  weeklyCompleteness,
  type GapsInput,
} from './bulletinModel'
import type { DashboardModel } from '../dashboard/analytics/dashboardModel'

const p = (id: string) => parsePeriod(id) as Period
const DS = 'dsRcMensuel'
const RR = `${DS}.REPORTING_RATE`

/** dx|pe|ou → [value, numerator, denominator], as analytics answers with includeNumDen. */
function table(cells: Record<string, [number, number, number]>): AnalyticsTable {
  return new AnalyticsTable({
    headers: ['dx', 'pe', 'ou', 'value', 'numerator', 'denominator'].map((name) => ({ name })),
    rows: Object.entries(cells).map(([key, [v, n, d]]) => [...key.split('|'), String(v), String(n), String(d)]),
    metaData: { items: { rcA: { name: 'RC A' }, rcB: { name: 'RC B' }, rcC: { name: 'RC C' } } },
  })
}

const rcUnit = new Map([
  ['rcA', { id: 'aire1', name: 'Aire 1' }],
  ['rcB', { id: 'aire1', name: 'Aire 1' }],
  ['rcC', { id: 'aire2', name: 'Aire 2' }],
])

describe('weekly completeness', () => {
  it('counts the week’s completions of the month and the total to the week’s end, per sub-unit', () => {
    const rcs = table({
      [`${RR}|202609|rcA`]: [0, 0, 1],
      [`${RR}|202609|rcB`]: [0, 0, 1],
      [`${RR}|202609|rcC`]: [0, 0, 1],
    })
    const reg = (ou: string, date: string) => ({ period: '202609', organisationUnit: ou, date, completed: true })
    const section = weeklyCompleteness({
      week: p('2026W41'),
      month: p('202609'),
      orgUnit: { id: 'zone', name: 'Zone' },
      rcs,
      dataSet: DS,
      rcUnit,
      // A in week 40 on time, C in week 41 late (after 6 October); B never.
      registrations: [reg('rcA', '2026-10-02T09:00:00.000'), reg('rcC', '2026-10-08T09:00:00.000')],
      timelyDays: 5,
    })
    expect(section.weekly?.month.id).toBe('202609')
    expect(section.total).toMatchObject({ expected: 3, inWeek: 1, actual: 2, onTime: 1 })
    expect(section.total.completeness).toBeCloseTo(66.67, 1)
    expect(section.children.map((c) => [c.name, c.expected, c.inWeek, c.actual, c.onTime])).toEqual([
      ['Aire 1', 2, 0, 1, 1],
      ['Aire 2', 1, 1, 1, 0],
    ])
  })
})

describe('indicators against targets', () => {
  it('gives the three achievements a 100 % target and says whether it is reached', () => {
    const meta = {
      indicators: {
        IND_TDR_POS: { id: 'i1', displayName: 'Positivité' },
        IND_REAL_SENS: { id: 'i2', displayName: 'Réalisation sensibilisation' },
        IND_REAL_VAD: { id: 'i3', displayName: 'Réalisation VAD' },
      },
    }
    const model = {
      summary: {
        indicators: { IND_TDR_POS: { value: 30 }, IND_REAL_SENS: { value: 104.2, numerator: 521, denominator: 500 } },
      },
    } as unknown as DashboardModel
    expect(indicatorRows(meta, model)).toEqual([
      { code: 'IND_TDR_POS', name: 'Positivité', value: 30 },
      {
        code: 'IND_REAL_SENS',
        name: 'Réalisation sensibilisation',
        value: 104.2,
        numerator: 521,
        denominator: 500,
        target: 100,
        met: true,
      },
      // No value (no target entered): no verdict.
      { code: 'IND_REAL_VAD', name: 'Réalisation VAD', target: 100 },
    ])
  })
})

describe('gaps and their follow-up', () => {
  const rcs = table({
    [`${RR}|202608|rcA`]: [100, 1, 1],
    [`${RR}|202608|rcB`]: [0, 0, 1],
    [`${RR}|202608|rcC`]: [0, 0, 0], // not expected (inactive): never a gap
    [`${RR}|202609|rcA`]: [0, 0, 1],
    [`${RR}|202609|rcB`]: [0, 0, 1],
    [`${RR}|202609|rcC`]: [0, 0, 1],
  })
  const september: GapDocument = {
    period: '202609',
    gaps: {
      rcB: {
        orgUnit: 'rcB',
        orgUnitName: 'RC B',
        period: '202609',
        reason: 'notReported',
        cause: 'reseau',
        causeDetail: '',
        action: 'Passer au village',
        dueDate: '2026-10-10',
        history: [],
      },
    },
  }
  const input = (sends: GapsInput['sends']): GapsInput => ({
    rcs,
    dataSet: DS,
    orgUnitId: 'zone',
    months: [p('202608'), p('202609')],
    // C completed September after the analytics run: not a gap any more.
    registrations: [{ period: '202609', organisationUnit: 'rcC', date: '2026-10-03T08:00:00.000', completed: true }],
    rcName: (id) => rcs.name(id),
    rcUnit,
    gapDocuments: [{ period: '202608', gaps: {} }, september],
    sends,
    today: '2026-10-12',
  })

  it('lists each month an expected RC has no complete report, with reminders and the recorded follow-up', () => {
    const section = gapsSection(
      input({
        ok: true,
        value: [
          { kind: 'reminder', status: 'sent', orgUnit: 'rcB', period: '202609', day: '2026-10-02' },
          { kind: 'manual', status: 'sent', orgUnit: 'rcB', period: '202609', day: '2026-10-04' },
          { kind: 'holdout', status: 'held-out', orgUnit: 'rcA', period: '202609', day: '2026-10-02' },
          { kind: 'reminder', status: 'failed', orgUnit: 'rcA', period: '202609', day: '2026-10-03' },
        ],
      }),
    )
    expect(section.remindersKnown).toBe(true)
    expect(section.rows).toEqual([
      { rcId: 'rcB', rcName: 'RC B', unitName: 'Aire 1', month: '202608', reminders: 0 },
      { rcId: 'rcA', rcName: 'RC A', unitName: 'Aire 1', month: '202609', reminders: 0 },
      {
        rcId: 'rcB',
        rcName: 'RC B',
        unitName: 'Aire 1',
        month: '202609',
        reminders: 2,
        lastReminderDay: '2026-10-04',
        // due on the 10th, still open on the 12th
        followUp: {
          cause: 'reseau',
          causeDetail: '',
          action: 'Passer au village',
          dueDate: '2026-10-10',
          status: 'overdue',
        },
      },
    ])
  })

  it('keeps the gaps when the bridge cannot say which RC were reminded', () => {
    const section = gapsSection(input({ ok: false, reason: 'The Relais bridge is not answering.' }))
    expect(section).toMatchObject({ remindersKnown: false, remindersProblem: 'The Relais bridge is not answering.' })
    expect(section.rows).toHaveLength(3)
    expect(section.rows.every((r) => r.reminders === undefined)).toBe(true)
  })
})

describe('reminders’ effect for the bulletin’s zones', () => {
  const row = (period: string, zone: string | null, r: [number, number], h: [number, number]): ReminderEffectRow => ({
    period,
    zone,
    reminded: { count: r[0], completed: r[1], share: r[0] ? r[1] / r[0] : null },
    heldOut: { count: h[0], completed: h[1], share: h[0] ? h[1] / h[0] : null },
    difference: null,
  })
  const rows = [
    row('202609', 'z1', [10, 6], [4, 1]),
    row('202609', 'z2', [10, 4], [6, 2]),
    row('202609', 'zOther', [50, 10], [10, 1]),
    row('202609', null, [70, 20], [20, 4]),
    row('202608', 'z1', [5, 5], [0, 0]),
  ]

  it('keeps its zones and months, and adds them up for a département', () => {
    const out = reminderEffectRows(rows, new Set(['z1', 'z2']), ['202609'])
    expect(out.map((r) => r.zone)).toEqual(['z1', 'z2', null])
    const all = out[2]!
    expect(all.reminded).toEqual({ count: 20, completed: 10, share: 0.5 })
    expect(all.heldOut).toEqual({ count: 10, completed: 3, share: 0.3 })
    expect(all.difference).toBe(20)
  })

  it('gives a zone its own rows only', () => {
    expect(reminderEffectRows(rows, new Set(['z1']), ['202608', '202609']).map((r) => [r.month, r.zone])).toEqual([
      ['202608', 'z1'],
      ['202609', 'z1'],
    ])
  })
})

describe('help desk figures', () => {
  const ticket = (id: string, path: string, created: string, status: Ticket['status'], category: Ticket['category']) =>
    ({
      id,
      category,
      status,
      created,
      orgUnit: { id: 'x', path },
      zoneId: path.split('/')[3],
      messages: [],
    }) as unknown as Ticket

  it('counts the tickets filed during the period by RC under the unit', () => {
    const tickets = [
      ticket('t1', '/bj/dep1/z1/a1/rc1', '2026-09-10T10:00:00.000', 'new', 'connexion'),
      ticket('t2', '/bj/dep1/z2/a3/rc7', '2026-09-30T23:00:00.000', 'resolved', 'saisie'),
      ticket('t3', '/bj/dep2/z9/a9/rc9', '2026-09-12T10:00:00.000', 'new', 'connexion'), // another département
      ticket('t4', '/bj/dep1/z1/a1/rc1', '2026-10-01T08:00:00.000', 'new', 'connexion'), // after the month
    ]
    const dep = helpdeskSection(tickets, 'dep1', p('202609'))
    expect([dep.total.total, dep.total.open]).toEqual([2, 1])
    expect(dep.byCategory.find((r) => r.key === 'connexion')).toMatchObject({ total: 1, open: 1 })
    const zone = helpdeskSection(tickets, 'z1', p('202609'))
    expect(zone.total.total).toBe(1)
  })
})
