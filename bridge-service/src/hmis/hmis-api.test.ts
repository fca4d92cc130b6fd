jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * `/api/v1/hmis/*` over HTTP with a real HmisService: two DHIS2 stand-ins (the programme's and the national one),
 * a PostgreSQL ledger for the pushes. A data manager starts a push (202 at once), follows it to done and reads
 * its report by status; a bad month is a 400 naming the field; a read-only key may not push; the list says
 * whether a national HMIS is configured at all.
 */
import { NATIONAL_MISSING_ZONE } from '@relais/dhis2-standin'
import { call, as, silentLogger, startTestApi, type TestApi } from '../api/test-support'
import { HmisService } from './hmis-service'
import {
  HMIS_ENV,
  HMIS_NOW,
  hmisConfig,
  openHmisLedger,
  ROOT,
  startTwoDhis2,
  TIME_ZONE,
  type HmisLedger,
  type TwoDhis2,
} from './test-support'

jest.setTimeout(120_000)

let dhis2: TwoDhis2
let ledger: HmisLedger
let api: TestApi

beforeAll(async () => {
  dhis2 = await startTwoDhis2()
  ledger = await openHmisLedger()
  const hmis = new HmisService({
    hmis: hmisConfig({ url: dhis2.national.url }),
    baseDir: ROOT,
    env: HMIS_ENV,
    programme: dhis2.programmeClient(),
    db: ledger.db,
    logger: silentLogger(),
    timeZone: TIME_ZONE,
    now: () => new Date(HMIS_NOW),
  })
  api = await startTestApi({ hmis })
})

afterAll(async () => {
  await api?.close()
  await dhis2?.close()
  await ledger?.dispose()
})

interface Push {
  id: string
  status: string
  mode: string
  counts: Record<string, number>
}

test('a data manager starts a push, follows it to done and reads its report by status; it is audited', async () => {
  const started = await call<Push>(`${api.url}/api/v1/hmis/pushes`, {
    method: 'POST',
    headers: { ...as.manager(), 'Content-Type': 'application/json' },
    json: { period: '2026-10' },
  })
  expect(started.status).toBe(202)
  expect(started.body).toMatchObject({ mode: 'push', status: expect.stringMatching(/running|done/) })

  let push: Push | undefined
  for (let i = 0; i < 100 && push?.status !== 'done'; i++) {
    await new Promise((r) => setTimeout(r, 100))
    push = (await call<{ push: Push }>(`${api.url}/api/v1/hmis/pushes/${started.body.id}`, { headers: as.manager() }))
      .body.push
  }
  expect(push).toMatchObject({ status: 'done' })
  expect(push!.counts.match).toBeGreaterThan(100)

  const refused = await call<{
    lines: { status: string; nationalOrgUnit: string; conflict: string }[]
    pager: { total: number }
  }>(`${api.url}/api/v1/hmis/pushes/${started.body.id}?status=refused&pageSize=5`, { headers: as.manager() })
  expect(refused.status).toBe(200)
  expect(refused.body.pager.total).toBe(push!.counts.refused)
  expect(refused.body.lines).toHaveLength(5)
  expect(refused.body.lines.every((l) => l.nationalOrgUnit === NATIONAL_MISSING_ZONE)).toBe(true)

  const list = await call<{ items: Push[]; configured: boolean }>(`${api.url}/api/v1/hmis/pushes?period=2026-10`, {
    headers: as.manager(),
  })
  expect(list.body.items.map((p) => p.id)).toContain(started.body.id)
  expect(list.body.configured).toBe(true)
  const audit = await api.ledger.audit.list({ action: 'hmis.push' }, { page: 1, pageSize: 10 })
  expect(audit.items.map((a) => a.target)).toContain(started.body.id)
})

test('a bad month is a 400 naming the field; a read-only key may not push; an unknown push is 404', async () => {
  const bad = await call<{ error: string; issues: { path: string }[] }>(`${api.url}/api/v1/hmis/pushes`, {
    method: 'POST',
    headers: { ...as.manager(), 'Content-Type': 'application/json' },
    json: { period: '2026-13', mode: 'push' },
  })
  expect(bad.status).toBe(400)
  expect(bad.body.issues.map((i) => i.path)).toContain('body.period')
  const reader = await call(`${api.url}/api/v1/hmis/pushes`, {
    method: 'POST',
    headers: { ...as.reader(), 'Content-Type': 'application/json' },
    json: { period: '2026-10' },
  })
  expect(reader.status).toBe(403)
  expect((await call(`${api.url}/api/v1/hmis/pushes/nope`, { headers: as.manager() })).status).toBe(404)
})

test('the list says whether a national HMIS is configured: without `hmis:` it is empty and says so', async () => {
  // The bridge as the pipeline builds it without an enabled `hmis:`: no HmisService at all.
  const bare = await startTestApi()
  try {
    const list = await call(`${bare.url}/api/v1/hmis/pushes`, { headers: as.manager() })
    expect(list.status).toBe(200)
    expect(list.body).toEqual({ items: [], configured: false })
  } finally {
    await bare.close()
  }
  const configured = await call(`${api.url}/api/v1/hmis/pushes`, { headers: as.manager() })
  expect(configured.body).toMatchObject({ configured: true })
})
