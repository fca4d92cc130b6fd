/**
 * The national push against two DHIS2 stand-ins over HTTP — the programme's (small seed, two months of reports)
 * and a national one (seed/national.ts: its own codes, one zone it does not hold) — and a real PostgreSQL ledger:
 * the push, the read back, the report with each kind of line and its reason, a dry run that writes nothing, and
 * a check that names an edit made at the national instance since the push.
 */
import { NATIONAL_MISSING_ZONE } from '@relais/dhis2-standin'
import { Dhis2Client } from '../dhis2/client'
import type { Db } from '../ledger'
import { hmisPushesRepository } from '../ledger/hmis-pushes'
import { NationalPush } from './national-push'
import { parseNationalSpec } from './national-spec'
import { ADMIN_AUTH, openHmisLedger, readSpecText, startTwoDhis2, type HmisLedger, type TwoDhis2 } from './test-support'

jest.setTimeout(120_000)

let dhis2: TwoDhis2
let ledger: HmisLedger
let db: Db

beforeAll(async () => {
  dhis2 = await startTwoDhis2()
  ledger = await openHmisLedger()
  db = ledger.db
})

afterAll(async () => {
  await dhis2?.close()
  await ledger?.dispose()
})

function pushFor() {
  const { national } = dhis2
  return new NationalPush({
    programme: dhis2.programmeClient(),
    national: new Dhis2Client({ url: national.url, auth: ADMIN_AUTH }),
    pushes: hmisPushesRepository(db),
    spec: parseNationalSpec(readSpecText()),
    sourceDataSet: 'RC_MENSUEL',
    level: 3,
    nationalUrl: national.url,
  })
}

const nationalCount = () => dhis2.national.ctx.state.dataValues.size

test('a dry run says what the push would create and refuse, and writes nothing at the national instance', async () => {
  const before = nationalCount()
  const result = await pushFor().run({ mode: 'dry-run', period: '2026-10', actor: 'test', trigger: 'cli' })
  expect(nationalCount()).toBe(before)
  expect(result.counts['missing-at-national']).toBeGreaterThan(0)
  const create = result.lines.find((l) => l.status === 'missing-at-national')!
  expect(create.reason?.en).toMatch(/would create/)
  expect(result.lines.some((l) => l.status === 'refused' && /would refuse/.test(l.reason!.en))).toBe(true)
})

test('a push sends the zone totals code to code, reads them back, and reports each cell with its reason', async () => {
  const pushes = hmisPushesRepository(db)
  const result = await pushFor().run({ mode: 'push', period: '202610', actor: 'test', trigger: 'cli' })
  expect((await pushes.get(result.id))?.status).toBe('done')

  // Every mapped cell of a zone the national instance holds matches what was sent.
  const matched = result.lines.filter((l) => l.status === 'match')
  expect(matched.length).toBeGreaterThan(100)
  const aq01 = matched.find((l) => l.orgUnit === 'ZS-AQ-01' && l.dataElement === 'RC_VIH_PRES_M.default')!
  expect(aq01).toMatchObject({
    nationalOrgUnit: 'SNIGS-ZS-AQ01',
    nationalDataElement: 'SNIGS_SC_PRESERVATIFS.SNIGS_MASCULIN',
  })
  expect(aq01.nationalValue).toBe(aq01.programmeValue)

  // The zone the national instance lacks: refused, with DHIS2's own conflict.
  const refused = result.lines.filter((l) => l.status === 'refused')
  expect(refused.length).toBeGreaterThan(0)
  expect(refused.every((l) => l.nationalOrgUnit === NATIONAL_MISSING_ZONE)).toBe(true)
  expect(refused[0]!.conflict).toMatch(/Organisation unit not found or not accessible/)

  // The programme's cells without a national element: not sent, said so.
  const unmapped = result.lines.filter((l) => l.status === 'unmapped')
  expect(unmapped.some((l) => l.dataElement === 'RC_CAUSERIES.default')).toBe(true)
  expect(unmapped[0]!.reason?.fr).toMatch(/non envoyé/)

  // Stored with the push: the report reads back from the ledger as it was built.
  expect(await pushes.lines(result.id)).toHaveLength(result.lines.length)
})

test('a check after someone edited a value at the national instance names the edit', async () => {
  const pushes = hmisPushesRepository(db)
  const last = await pushes.list({ period: '202610', limit: 1 })
  const sent = (await pushes.lines(last[0]!.id, 'match')).find(
    (l) => l.nationalOrgUnit === 'SNIGS-ZS-AQ01' && l.nationalDataElement === 'SNIGS_SC_VAD.default',
  )!
  const edited = String(Number(sent.programmeValue) + 7)
  await postNational([
    {
      dataElement: 'SNIGS_SC_VAD',
      period: '202610',
      orgUnit: 'SNIGS-ZS-AQ01',
      categoryOptionCombo: 'default',
      value: edited,
    },
  ])

  const check = await pushFor().run({ mode: 'check', period: '2026-10', actor: 'test', trigger: 'cli' })
  const line = check.lines.find((l) => l.nationalOrgUnit === 'SNIGS-ZS-AQ01' && l.dataElement === 'RC_VAD.default')!
  expect(line).toMatchObject({ status: 'different', programmeValue: sent.programmeValue, nationalValue: edited })
  expect(line.reason?.en).toMatch(/edited at the national instance since the push/)
  expect(line.reason?.fr).toMatch(/modifiée dans l’instance nationale/)
  // The other cells are as the push left them.
  expect(check.counts.match).toBe((await pushes.get(last[0]!.id))!.counts.match! - 1)
})

test('a value only the national instance holds is reported national-only; a month never pushed, as never pushed', async () => {
  // August: the programme seed holds two months (September, October), so August has no programme value.
  await postNational([
    {
      dataElement: 'SNIGS_SC_PALU_TDR',
      period: '202608',
      orgUnit: 'SNIGS-ZS-BO01',
      categoryOptionCombo: 'default',
      value: '41',
    },
  ])
  const august = await pushFor().run({ mode: 'check', period: '2026-08', actor: 'test', trigger: 'cli' })
  expect(august.lines).toEqual([
    expect.objectContaining({ status: 'national-only', nationalOrgUnit: 'SNIGS-ZS-BO01', nationalValue: '41' }),
  ])
  const september = await pushFor().run({ mode: 'check', period: '2026-09', actor: 'test', trigger: 'cli' })
  const missing = september.lines.filter((l) => l.status === 'missing-at-national')
  expect(missing.length).toBeGreaterThan(0)
  expect(missing[0]!.reason?.en).toMatch(/never pushed/)
})

test('a period that is not a month is refused before anything is read', async () => {
  await expect(pushFor().run({ mode: 'push', period: '2026-13', actor: 'test', trigger: 'cli' })).rejects.toThrow(
    /not a month/,
  )
})

function postNational(dataValues: object[]) {
  const auth = `Basic ${Buffer.from(`${ADMIN_AUTH.username}:${ADMIN_AUTH.password}`).toString('base64')}`
  return fetch(`${dhis2.national.url}/api/dataValueSets?idScheme=CODE`, {
    method: 'POST',
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ dataValues }),
  })
}

test('a push its process left running (the bridge stopped) is closed as failed, saying so, once it is stale', async () => {
  const pushes = hmisPushesRepository(db)
  const started = { mode: 'push' as const, period: '202609', actor: 'test', trigger: 'api' as const }
  const spec = { specId: 'national-hmis', specVersion: 1, nationalUrl: dhis2.national.url }
  const stale = await pushes.start({ ...started, ...spec })
  const fresh = await pushes.start({ ...started, ...spec })
  // The process that ran `stale` died an hour ago; `fresh` is being pushed by another process now.
  await db.query(`UPDATE hmis_pushes SET started_at = now() - interval '1 hour' WHERE id = $1`, [stale])
  expect(await pushes.get(stale)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^interrupted/) })
  expect((await pushes.get(fresh))?.status).toBe('running')
  expect((await pushes.list({ period: '202609', limit: 2 })).map((p) => [p.id, p.status])).toEqual([
    [fresh, 'running'],
    [stale, 'failed'],
  ])
})
