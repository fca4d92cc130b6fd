/**
 * Tracing through the API and the ledger (issue 19 §3), over a real PGlite ledger and real HTTP: a site's signed
 * list is pseudonymised in the request (nothing of the person in the ledger or the logs), bad requests are refused
 * with 4xx, a resent list makes no second case; an outcome goes to the site signed, keyed by its own id, retried
 * through a 503, each opening of the sealed id audited. The DHIS2 half (tasks, outcomes read back) runs end to end
 * in tests/e2e/ltfu-tracing.e2e.test.ts.
 */
jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

import { createHmac } from 'node:crypto'
import { as, startTestApi, type TestApi } from '../api/test-support'
import { TRACING_LIMITS } from '../api/routes/tracing'
import { tracingSchema } from '../config/tracing-config'
import { Dhis2Client } from '../dhis2/client'
import { tracingLedger } from '../ledger/tracing'
import { receiver, SECRET } from '../outbound/test-support'
import { TracingKeyError } from './key'
import { MAX_LIST_BYTES } from './list'
import { Tracing } from './tracing'

jest.setTimeout(60_000)

const KEY = '5e1f3a9c7b2d4e6f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7'
const LIST_SECRET = 'site-list-secret-0123456789abcdef0123456789'
const TODAY = '2026-10-05'
let api: TestApi
let tracing: Tracing
let site: Awaited<ReturnType<typeof receiver>>

const PATIENTS = [
  ['CNHU-77001', 'Houndjo Mireille', '+229 97 11 22 33', 'F', '17/04/1991', '2026-09-14', 'Akpakpa', 'RC-LI-00001'],
  ['CNHU-77002', 'Zinsou Gbènoukpo', '+229 96 44 55 66', 'M', '02/11/2008', '2026-09-20', 'Tori', 'RC-LI-00002'],
  ['CNHU-77003', 'Dossou Rachidi', '+229 94 00 11 22', 'X', '05/01/1979', '2026-09-21', 'Tori', 'RC-LI-00002'],
]
const csv = (rows: string[][]) =>
  `id_patient;nom;telephone;sexe;date_naissance;rdv_manque;localite;code_rc\n${rows.map((r) => r.join(';')).join('\n')}\n`
const IDENTIFYING = PATIENTS.flatMap(([id, name, phone, , birth]) => [id!, name!, phone!, birth!, id!.replace('-', '')])

function signed(body: string | Buffer, secret = LIST_SECRET, at = Date.now()) {
  const timestamp = String(Math.floor(at / 1000))
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`
  return { 'X-Relais-Timestamp': timestamp, 'X-Relais-Signature': signature }
}

const post = async (siteCode: string, body: string | Buffer, headers: Record<string, string>) => {
  const res = await fetch(`${api.url}/api/v1/tracing/${siteCode}/cases`, { method: 'POST', headers, body })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

async function ledgerText(): Promise<string> {
  const tables = await api.db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)
  let text = ''
  for (const { t } of tables)
    text += (await api.db.query<{ row: string }>(`SELECT to_jsonb(x)::text AS row FROM "${t}" x`))
      .map((r) => r.row)
      .join('\n')
  return text
}

beforeAll(async () => {
  site = await receiver([{ status: 503 }, { status: 200 }])
  const config = tracingSchema.parse({
    sites: [
      { code: 'SITE-CNHU', name: 'CNHU', secretEnv: 'LIST', outcomesUrl: site.url, outcomesSecretEnv: 'OUT' },
      {
        code: 'SITE-FHIR',
        name: 'Ménontin',
        format: 'fhir',
        secretEnv: 'LIST',
        outcomesUrl: site.url,
        outcomesSecretEnv: 'OUT',
      },
    ],
  })!
  api = await startTestApi({
    tracing: {
      site: (code) => tracing.site(code),
      listSecrets: (s) => tracing.listSecrets(s),
      receive: (code, body) => tracing.receive(code, body),
      list: (filter, page) => tracing.list(filter, page),
      counts: () => tracing.counts(),
      assignRc: (id, rc) => tracing.assignRc(id, rc),
      get: (id) => tracing.get(id),
    },
  })
  tracing = new Tracing({
    db: api.db,
    // Not reached by these tests: intake and sending outcomes need no DHIS2.
    dhis2: new Dhis2Client({ url: 'http://127.0.0.1:9', auth: { kind: 'token', token: 'unused' } }),
    config,
    pseudonymKey: KEY,
    logger: api.logger,
    env: { LIST: LIST_SECRET, OUT: SECRET },
    retry: { maxAttempts: 4, backoff: { baseMs: 1, capMs: 5 } },
    today: () => TODAY,
  })
})

afterAll(async () => {
  await api?.close()
  await site?.close()
})

test('tracing refuses to start without a strong RELAIS_PSEUDONYM_KEY', () => {
  const config = tracingSchema.parse({
    sites: [{ code: 'SITE-X', name: 'X', secretEnv: 'LIST', outcomesUrl: site.url, outcomesSecretEnv: 'OUT' }],
  })!
  const build = (pseudonymKey: string | undefined) =>
    new Tracing({ db: api.db, dhis2: {} as Dhis2Client, config, pseudonymKey, logger: api.logger })
  expect(() => build(undefined)).toThrow(TracingKeyError)
  expect(() => build('x'.repeat(40))).toThrow(/trop faible.*too weak/)
})

test('a signed list is pseudonymised before anything is stored; bad requests get 4xx', async () => {
  const body = csv(PATIENTS)
  const first = await post('SITE-CNHU', body, signed(body))
  expect(first).toEqual({
    status: 200,
    body: expect.objectContaining({
      rows: 3,
      accepted: 2,
      duplicates: 0,
      refused: [expect.objectContaining({ rowNumber: 4, codes: ['sex-invalid'] })],
    }),
  })
  // The same signed request again is a replay; the list signed anew gives duplicates, not new cases.
  const headers = signed(body, LIST_SECRET, Date.now() + 2000)
  expect((await post('SITE-CNHU', body, headers)).body).toMatchObject({ accepted: 0, duplicates: 2 })
  expect((await post('SITE-CNHU', body, headers)).status).toBe(401)

  expect((await post('SITE-CNHU', body, {})).status).toBe(401)
  expect((await post('SITE-CNHU', body, signed(body, 'another-secret-0123456789abcdef0123456789'))).status).toBe(401)
  expect((await post('SITE-NONE', body, signed(body))).status).toBe(404)
  const notFhir = '{"resourceType":"Patient"}'
  expect((await post('SITE-FHIR', notFhir, signed(notFhir))).status).toBe(400)
  const huge = Buffer.alloc(MAX_LIST_BYTES + 10, 'a')
  expect((await post('SITE-CNHU', huge, signed(huge))).status).toBe(413)
  const formulas = `id_patient;sexe;age;rdv_manque;localite;code_rc\n=cmd|' /C calc'!A0;F;30;2026-09-01;=HYPERLINK("http://x");RC-1\n`
  const hostile = await post('SITE-CNHU', formulas, signed(formulas))
  expect(hostile.body).toMatchObject({
    accepted: 0,
    refused: [expect.objectContaining({ codes: ['site-id-invalid', 'locality-invalid'] })],
  })
  expect(JSON.stringify(hostile.body)).not.toMatch(/cmd|HYPERLINK/)

  const cases = await tracing.list({ site: 'SITE-CNHU' }, { pageSize: 10 })
  expect(cases.items).toHaveLength(2)
  expect(cases.items.map((c) => c.status)).toEqual(['task-pending', 'task-pending'])
  const text = await ledgerText()
  expect(text).toContain(cases.items[0]!.tracingCode)
  expect(IDENTIFYING.filter((s) => text.includes(s))).toEqual([])
  expect(IDENTIFYING.filter((s) => api.logger.lines.join('\n').includes(s))).toEqual([])
})

test('an outcome goes to the site signed, keyed by its own id, through a 503; each opening audited', async () => {
  const ledger = tracingLedger(api.db)
  const [c] = (await tracing.list({ site: 'SITE-CNHU' }, { pageSize: 10 })).items.filter((x) => x.sex === 'F')
  expect(await ledger.outcomeRead(c!.eventUid, 'RETROUVE_REVENU', '2026-10-07')).toBe(true)

  await tracing.sendOutcomes()
  expect(await ledger.get(c!.id)).toMatchObject({ status: 'outcome-pending', attempts: 1 })
  await new Promise((r) => setTimeout(r, 30))
  await tracing.sendOutcomes()
  expect(await ledger.get(c!.id)).toMatchObject({ status: 'outcome-sent' })

  expect(site.calls).toHaveLength(2)
  const delivered = site.calls[1]!
  expect(delivered.signatureOk).toBe(true)
  expect(JSON.parse(delivered.body)).toEqual({
    caseId: 'CNHU-77001',
    outcome: 'RETROUVE_REVENU',
    outcomeDate: '2026-10-07',
    tracingCode: c!.tracingCode,
  })

  const audit = await api.ledger.audit.list({ action: 'tracing.reidentify' })
  expect(audit.items).toHaveLength(2)
  expect(audit.items.every((a) => a.target === `tracing-case:${c!.id}` && a.actor === 'relais-bridge')).toBe(true)
  expect(JSON.stringify(audit.items)).not.toContain('CNHU-77001')
  // The same outcome read again is not sent again; a changed one is.
  expect(await ledger.outcomeRead(c!.eventUid, 'RETROUVE_REVENU', '2026-10-07')).toBe(false)
  expect(await ledger.outcomeRead(c!.eventUid, 'DECEDE', '2026-10-08')).toBe(true)
})

test('a FHIR site: a Bundle of Patient + Appointment in, a FHIR Task back with its own identifier', async () => {
  const bundle = JSON.stringify({
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'urn:uuid:7f1c',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:menontin:dossier', value: 'MEN-4410' }],
          name: [{ family: 'Agossa', given: ['Bernadette'] }],
          telecom: [{ system: 'phone', value: '+229 91 23 45 67' }],
          gender: 'female',
          birthDate: '2012-05-09',
          address: [{ city: 'Ménontin', district: 'AS-LI-01-01' }],
        },
      },
      {
        resource: {
          resourceType: 'Appointment',
          status: 'noshow',
          start: '2026-09-28T08:30:00Z',
          participant: [{ actor: { reference: 'urn:uuid:7f1c' } }],
        },
      },
    ],
  })
  expect(await post('SITE-FHIR', bundle, signed(bundle))).toMatchObject({ status: 200, body: { rows: 1, accepted: 1 } })
  const [c] = (await tracing.list({ site: 'SITE-FHIR' }, { pageSize: 10 })).items
  expect(c).toMatchObject({ sex: 'F', ageBand: 'A_MOINS15', locality: 'Ménontin', areaHint: 'AS-LI-01-01' })
  const text = await ledgerText()
  expect(['MEN-4410', 'Agossa', 'Bernadette', '91 23 45 67', '2012-05-09'].filter((s) => text.includes(s))).toEqual([])

  const ledger = tracingLedger(api.db)
  expect(await ledger.outcomeRead(c!.eventUid, 'NON_RETROUVE', '2026-10-09')).toBe(true)
  const before = site.calls.length
  await tracing.sendOutcomes()
  await new Promise((r) => setTimeout(r, 30))
  await tracing.sendOutcomes()
  const mine = site.calls
    .slice(before)
    .filter((call) => String(call.headers['x-relais-delivery']).startsWith(`${c!.id}.`))
  const task = JSON.parse(mine.at(-1)!.body) as Record<string, unknown>
  expect(mine.at(-1)!.signatureOk).toBe(true)
  expect(task).toMatchObject({
    resourceType: 'Task',
    status: 'completed',
    for: { identifier: { value: 'MEN-4410' } },
    businessStatus: { coding: [{ code: 'NON_RETROUVE' }] },
    executionPeriod: { end: '2026-10-09' },
    identifier: [{ value: c!.tracingCode }],
  })
})

test('a data manager names the RC of a quarantined case; audited; a case not waiting is a 409', async () => {
  const ledger = tracingLedger(api.db)
  const [c] = (await tracing.list({ site: 'SITE-FHIR' }, { pageSize: 10 })).items
  const waiting = (await tracing.list({ site: 'SITE-CNHU' }, { pageSize: 10 })).items.find((x) => x.sex === 'M')!
  await ledger.quarantine(waiting.id, 'rc-ambiguous: two RC', new Date(Date.now() + 3600_000))
  const assign = (id: string, user: string, rcCode: string) =>
    fetch(`${api.url}/api/v1/tracing/cases/${id}/assign`, {
      method: 'POST',
      headers: { ...as.user(user), 'Content-Type': 'application/json' },
      body: JSON.stringify({ rcCode }),
    })
  expect((await assign(waiting.id, 'sup_koffi', 'RC-LI-00009')).status).toBe(403)
  const res = await assign(waiting.id, 'gest_ama', 'rc-li-00009')
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ status: 'task-pending', tracingCode: waiting.tracingCode })
  expect(await ledger.get(waiting.id)).toMatchObject({ status: 'task-pending', rcHint: 'RC-LI-00009', reason: null })
  expect((await api.ledger.audit.list({ action: 'tracing.assign' })).items).toEqual([
    expect.objectContaining({
      actor: 'gest_ama',
      target: `tracing-case:${waiting.id}`,
      detail: expect.objectContaining({ rcCode: 'RC-LI-00009', was: 'quarantined' }),
    }),
  ])
  expect((await assign(c!.id, 'gest_ama', 'RC-LI-00009')).status).toBe(409)
  expect((await assign('no-such-case', 'gest_ama', 'RC-LI-00009')).status).toBe(404)
  expect((await assign(waiting.id, 'gest_ama', '=cmd')).status).toBe(400)
})

// Last in this file: it spends this address's budget of bad signatures for a minute.
test('a flood of badly signed lists from one address is refused with 429 before its body is read', async () => {
  const body = csv(PATIENTS)
  const forged = signed(body, 'another-secret-0123456789abcdef0123456789')
  const statuses: number[] = []
  for (let i = 0; i < TRACING_LIMITS.badSignaturesPerAddress + 2; i++)
    statuses.push((await post('SITE-CNHU', body, forged)).status)
  // Earlier tests of this file spent a few of the address's bad signatures already.
  const first = statuses.indexOf(429)
  expect(first).toBeGreaterThan(TRACING_LIMITS.badSignaturesPerAddress - 10)
  expect(statuses.slice(0, first).every((s) => s === 401)).toBe(true)
  expect(statuses.slice(first).every((s) => s === 429)).toBe(true)
  const refused = await post('SITE-CNHU', body, signed(body, LIST_SECRET, Date.now() + 5000))
  expect(refused).toMatchObject({ status: 429, body: { error: 'rate-limited' } })
})

test('after RELAIS_PSEUDONYM_KEY changed, an open case’s outcome is never sent: it fails, saying why', async () => {
  const ledger = tracingLedger(api.db)
  const [c] = (await tracing.list({ site: 'SITE-CNHU' }, { pageSize: 10 })).items.filter((x) => x.sex === 'M')
  expect(await ledger.outcomeRead(c!.eventUid, 'NON_RETROUVE', '2026-10-10')).toBe(true)
  const callsBefore = site.calls.length
  // The same bridge restarted with another key (README: keep the key): the sealed id no longer opens.
  const rotated = new Tracing({
    db: api.db,
    dhis2: new Dhis2Client({ url: 'http://127.0.0.1:9', auth: { kind: 'token', token: 'unused' } }),
    config: tracingSchema.parse({
      sites: [{ code: 'SITE-CNHU', name: 'CNHU', secretEnv: 'LIST', outcomesUrl: site.url, outcomesSecretEnv: 'OUT' }],
    })!,
    pseudonymKey: KEY.split('').reverse().join(''),
    logger: api.logger,
    env: { LIST: LIST_SECRET, OUT: SECRET },
    retry: { maxAttempts: 4, backoff: { baseMs: 1, capMs: 5 } },
    today: () => TODAY,
  })
  await rotated.sendOutcomes()
  expect(site.calls).toHaveLength(callsBefore)
  expect(await ledger.get(c!.id)).toMatchObject({
    status: 'outcome-failed',
    reason: expect.stringMatching(/does not open.*not sent/),
  })
})
