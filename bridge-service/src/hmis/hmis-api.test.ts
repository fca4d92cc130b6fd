jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * `/api/v1/hmis/*` over HTTP with a real HmisService: two DHIS2 stand-ins (the programme's and the national one),
 * a PostgreSQL ledger for the pushes. A data manager starts a push (202 at once), follows it to done and reads
 * its report by status; a bad month is a 400 naming the field; a read-only key may not push.
 */
import { join } from 'node:path'
import {
  createNationalState,
  createStandin,
  NATIONAL_MISSING_ZONE,
  runAnalyticsTables,
  type Standin,
} from '@relais/dhis2-standin'
import { call, as, silentLogger, startTestApi, type TestApi } from '../api/test-support'
import { Dhis2Client } from '../dhis2/client'
import { migrate } from '../ledger'
import { pgTestDatabase, type TestDatabase } from '../ledger/test-support'
import { HmisService } from './hmis-service'

const NOW = '2026-11-20T10:00:00Z'
const ROOT = join(__dirname, '..', '..', '..')

jest.setTimeout(120_000)

let programme: Standin
let national: Standin
let database: TestDatabase
let api: TestApi

beforeAll(async () => {
  programme = createStandin({ seed: 'small', now: NOW, months: 2 })
  national = createStandin({ seed: 'blank', now: NOW })
  national.ctx.replaceState(createNationalState({ now: national.ctx.clock.now(), timeZone: 'Africa/Porto-Novo' }))
  await Promise.all([programme.listen(0, '127.0.0.1'), national.listen(0, '127.0.0.1')])
  await runAnalyticsTables(programme.ctx, {})
  database = pgTestDatabase()
  const db = await database.open()
  await migrate(db)
  const hmis = new HmisService({
    hmis: {
      url: national.url,
      usernameEnv: 'HMIS_USERNAME',
      passwordEnv: 'HMIS_PASSWORD',
      mapping: join(ROOT, 'mappings', 'specs', 'hmis', 'national-hmis.yaml'),
      sourceDataSet: 'RC_MENSUEL',
      level: 3,
      pushDay: 16,
      enabled: true,
    },
    baseDir: ROOT,
    env: { HMIS_USERNAME: 'admin', HMIS_PASSWORD: 'district' },
    programme: new Dhis2Client({
      url: programme.url,
      auth: { kind: 'basic', username: 'admin', password: 'district' },
    }),
    db,
    logger: silentLogger(),
    timeZone: 'Africa/Porto-Novo',
    now: () => new Date(NOW),
  })
  api = await startTestApi({ hmis })
})

afterAll(async () => {
  await api?.close()
  await Promise.all([programme?.close(), national?.close()])
  await database?.dispose()
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

  const list = await call<{ items: Push[] }>(`${api.url}/api/v1/hmis/pushes?period=2026-10`, { headers: as.manager() })
  expect(list.body.items.map((p) => p.id)).toContain(started.body.id)
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
