import { CustomDataProvider } from '@dhis2/app-runtime'
import { render, screen, within } from '@testing-library/react'
import { json, type CustomData } from '../../app/testing/renderRoutes'
import { aTask, DE, OU_ZONE, PROGRAM, STAGE } from '../../tracing/testing/fakeTracing'
import { TRACING_ELEMENTS, type TracingField } from '../../tracing/tracingProgram'
import type { TrackerEvent } from '../../tracing/trackerEvents'
import { tracingIndicators } from './tracingIndicators'
import { TracingPanel } from './TracingPanel'

const META = { program: PROGRAM, programStage: STAGE, elements: DE }
const done = (id: string, outcome: string) =>
  aTask(id, { code: id, outcome, outcomeDate: '2026-09-20' }, { status: 'COMPLETED' })
const EVENTS: TrackerEvent[] = [
  aTask('ev000000001', { code: 'A' }),
  done('ev000000002', 'RETROUVE_REVENU'),
  done('ev000000003', 'RETROUVE_REVENU'),
  done('ev000000004', 'NON_RETROUVE'),
  // Completed without an outcome: assigned, not traced.
  aTask('ev000000005', { code: 'E' }, { status: 'COMPLETED' }),
]

describe('tracingIndicators', () => {
  it('counts the cases assigned, traced (an outcome recorded) and returned to care, and the rate', () => {
    expect(tracingIndicators([...EVENTS, EVENTS[1]!], META)).toEqual({
      assigned: 5,
      traced: 3,
      returned: 2,
      returnRate: (2 / 3) * 100,
    })
  })

  it('has no rate while nothing is traced', () => {
    expect(tracingIndicators([EVENTS[0]!], META)).toEqual({
      assigned: 1,
      traced: 0,
      returned: 0,
      returnRate: undefined,
    })
  })
})

describe('TracingPanel', () => {
  it('reads the period under the org unit, page by page with few fields, and shows the counts', async () => {
    const calls: Array<Record<string, unknown>> = []
    // 501 cases: two pages of 500.
    const many = [...EVENTS, ...Array.from({ length: 496 }, (_, i) => aTask(`evx${String(i).padStart(8, '0')}`, {}))]
    const data: CustomData = {
      programs: json({ programs: [{ id: PROGRAM, programStages: [{ id: STAGE, code: 'RC_PDV_RECHERCHE_ETAPE' }] }] }),
      dataElements: json({
        dataElements: (Object.keys(DE) as TracingField[]).map((f) => ({ id: DE[f], code: TRACING_ELEMENTS[f] })),
      }),
      'tracker/events': async (_type, query) => {
        const p = query.params as Record<string, number | string>
        calls.push(p)
        const page = Number(p.page)
        const size = Number(p.pageSize)
        return json({ instances: many.slice((page - 1) * size, page * size) })
      },
    }
    render(
      <CustomDataProvider data={data}>
        <TracingPanel
          orgUnit={{ id: OU_ZONE, name: 'ZS Ouidah' }}
          period={{ id: '202609', startDate: '2026-09-01', endDate: '2026-09-30' }}
          language="en"
        />
      </CustomDataProvider>,
    )
    const panel = await screen.findByRole('region', { name: 'Tracing of people lost to follow-up' })
    expect(await within(panel).findByLabelText('Cases assigned 501')).toBeTruthy()
    expect(within(panel).getByLabelText('Cases traced 3')).toBeTruthy()
    expect(within(panel).getByLabelText('Returned to care 2')).toBeTruthy()
    expect(within(panel).getByLabelText('Returned among traced 66.7%')).toBeTruthy()
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({
      program: PROGRAM,
      orgUnit: OU_ZONE,
      orgUnitMode: 'DESCENDANTS',
      occurredAfter: '2026-09-01',
      occurredBefore: '2026-09-30',
      fields: 'event,status,dataValues[dataElement,value]',
      page: 1,
      pageSize: 500,
    })
  })
})
