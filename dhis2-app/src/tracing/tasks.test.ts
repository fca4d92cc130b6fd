import { daysSince, openTasks, outcomeDateProblem, recentClosed, toTask } from './tasks'
import { aTask, DE, PROGRAM, STAGE } from './testing/fakeTracing'
import { completedEvent, eventsOf, orgUnitModeParam, outcomeValues, trackerRefusal } from './trackerEvents'
import { toTracingMeta, TRACING_ELEMENTS, type TracingField } from './tracingProgram'

const META = { program: PROGRAM, programStage: STAGE, elements: DE }

describe('toTracingMeta', () => {
  const elements = (Object.keys(DE) as TracingField[]).map((f) => ({ id: DE[f], code: TRACING_ELEMENTS[f] }))
  const programs = { programs: [{ id: PROGRAM, programStages: [{ id: STAGE, code: 'RC_PDV_RECHERCHE_ETAPE' }] }] }

  it('finds the uids by code', () => {
    expect(toTracingMeta({ programs, elements: { dataElements: elements } })).toEqual(META)
  })

  it('gives null without the programme or with a data element missing', () => {
    expect(toTracingMeta({ programs: { programs: [] }, elements: { dataElements: elements } })).toBeNull()
    expect(toTracingMeta({ programs, elements: { dataElements: elements.slice(1) } })).toBeNull()
  })
})

describe('tasks', () => {
  const a = toTask(aTask('evA00000001', { code: 'A', missedOn: '2026-09-12T00:00:00.000', outcome: 'BOGUS' }), META)
  const b = toTask(aTask('evB00000001', { code: 'B', missedOn: '2026-09-01' }), META)
  const c = toTask(aTask('evC00000001', { code: 'C' }), META)
  const done = (id: string, date: string) =>
    toTask(aTask(id, { outcome: 'DECEDE', outcomeDate: date }, { status: 'COMPLETED' }), META)

  it('reads the fields by uid, keeps the day of a date, and ignores an unknown outcome code', () => {
    expect(a).toMatchObject({ code: 'A', missedOn: '2026-09-12', open: true, outcome: undefined })
    expect(done('evD00000001', '2026-09-30')).toMatchObject({
      open: false,
      outcome: 'DECEDE',
      outcomeDate: '2026-09-30',
    })
  })

  it('counts whole days since the missed appointment', () => {
    expect(daysSince('2026-09-12', '2026-10-03')).toBe(21)
    expect(daysSince('2026-10-03', '2026-10-03')).toBe(0)
    expect(daysSince(undefined, '2026-10-03')).toBeUndefined()
  })

  it('lists open tasks oldest appointment first, undated last; closed ones latest outcome first', () => {
    expect(openTasks([c, a, b, done('evD00000001', '2026-09-30')]).map((t) => t.code)).toEqual(['B', 'A', 'C'])
    const closed = recentClosed([done('evD00000001', '2026-09-01'), done('evE00000001', '2026-09-30'), a], 1)
    expect(closed.map((t) => t.event)).toEqual(['evE00000001'])
  })

  it.each([
    ['', 'missing'],
    ['2026-02-30', 'invalid'],
    ['03/10/2026', 'invalid'],
    ['2026-10-04', 'future'],
    ['2026-09-11', 'before-missed'],
    ['2026-09-12', undefined],
    ['2026-10-03', undefined],
  ])('judges the outcome date %j: %s', (date, problem) => {
    expect(outcomeDateProblem(date, '2026-10-03', '2026-09-12')).toBe(problem)
  })
})

describe('tracker events', () => {
  it('reads the list of 2.41+ (events) and of 2.38–2.40 (instances)', () => {
    expect(eventsOf({ pager: {}, events: [{ event: 'x' }] })).toEqual([{ event: 'x' }])
    expect(eventsOf({ page: 1, instances: [{ event: 'y' }] })).toEqual([{ event: 'y' }])
    expect(eventsOf(null)).toEqual([])
  })

  it('names the org unit mode as the server version wants it', () => {
    expect(orgUnitModeParam(40, 'DESCENDANTS')).toEqual({ ouMode: 'DESCENDANTS' })
    expect(orgUnitModeParam(41, 'DESCENDANTS')).toEqual({ orgUnitMode: 'DESCENDANTS' })
    expect(orgUnitModeParam(undefined, 'DESCENDANTS')).toEqual({ orgUnitMode: 'DESCENDANTS' })
  })

  it('completes the whole event, replacing an earlier outcome and dropping read-only fields', () => {
    const event = aTask('evA00000001', { code: 'A', outcome: 'NON_RETROUVE', outcomeDate: '2026-09-01' })
    const completed = completedEvent(
      { ...event, completedAt: '2026-09-01T00:00:00' },
      outcomeValues(META, 'RETROUVE_REVENU', '2026-10-02'),
    )
    expect(completed).toEqual({
      ...event,
      updatedAt: undefined,
      status: 'COMPLETED',
      dataValues: [
        { dataElement: DE.code, value: 'A' },
        { dataElement: DE.outcome, value: 'RETROUVE_REVENU' },
        { dataElement: DE.outcomeDate, value: '2026-10-02' },
      ],
    })
    expect('updatedAt' in completed || 'completedAt' in completed).toBe(false)
  })

  it("says DHIS2's reasons from an import report, and nothing for an accepted one", () => {
    expect(
      trackerRefusal({
        status: 'ERROR',
        validationReport: { errorReports: [{ errorCode: 'E1032', message: 'Event: `x`, do not exist.' }] },
      }),
    ).toBe('E1032 Event: `x`, do not exist.')
    expect(trackerRefusal({ status: 'OK', validationReport: { errorReports: [] } })).toBeUndefined()
    expect(trackerRefusal({ status: 'WARNING' })).toBeUndefined()
  })
})
