/**
 * The ODK Central stand-in against Central's documented and coded behaviour. Each block names the
 * section of shared/reference/kobo-odk-api.md it checks, and the central-backend (cb) code it comes from.
 */
import type { OdkStandin } from '../src'
import {
  APP_USER_TOKEN,
  COLLECTOR,
  EMAIL,
  FORM,
  PASSWORD,
  PROJECT,
  VIEWER,
  call,
  login,
  startStandin,
  submissionsPath,
} from './support'

interface Doc {
  value: Array<Record<string, unknown> & { __id: string; __system: Record<string, unknown> }>
  '@odata.context': string
  '@odata.nextLink'?: string
  '@odata.count'?: number
}

const rc = (code: string, extra: Record<string, string | null> = {}) => ({
  'identification/rc_code': code,
  'identification/mois': '2026-09',
  'vih/sens_m_15_24': '4',
  'palu/tdr': '12',
  ...extra,
})

describe('ODK stand-in: authentication (§B1, cb lib/http/preprocessors.js authHandler)', () => {
  let standin: OdkStandin
  let clock = Date.UTC(2026, 9, 3, 9, 0, 0)
  beforeAll(async () => {
    standin = await startStandin({ now: () => new Date(clock) })
    standin.store.add(PROJECT, FORM, rc('RC-AQ-00001'))
  })
  afterAll(() => standin.close())

  it('opens a session with email and password: a 64-character token for 24 h, then Bearer works', async () => {
    const res = await call(standin, '/v1/sessions', { method: 'POST', body: { email: EMAIL, password: PASSWORD } })
    expect(res.status).toBe(200)
    const body = res.body as Record<string, string>
    expect(Object.keys(body)).toEqual(['createdAt', 'expiresAt', 'token', 'csrf'])
    expect(body.token).toMatch(/^[A-Za-z0-9!$]{64}$/)
    expect(Date.parse(body.expiresAt as string) - Date.parse(body.createdAt as string)).toBe(86_400_000)
    const data = await call(standin, submissionsPath(), { headers: { Authorization: `Bearer ${body.token}` } })
    expect(data.status).toBe(200)
    expect(data.headers.get('odata-version')).toBe('4.0')
  })

  it.each([
    ['a wrong password', { email: EMAIL, password: 'nope' }, 401, 401.2],
    ['an unknown account', { email: 'x@y.z', password: PASSWORD }, 401, 401.2],
    ['a missing password', { email: EMAIL }, 400, 400.3],
  ])('refuses a login with %s as a Problem with a numeric code (§B2)', async (_what, body, status, code) => {
    const res = await call(standin, '/v1/sessions', { method: 'POST', body })
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ code })
    expect(typeof (res.body as { code: unknown }).code).toBe('number')
  })

  it('answers 401.2 without credentials (v2025.3+), to an unknown scheme and to an expired session', async () => {
    const expected = { message: 'Could not authenticate with the provided credentials.', code: 401.2 }
    expect(await call(standin, submissionsPath())).toMatchObject({ status: 401, body: expected })
    const token = await call(standin, submissionsPath(), { headers: { Authorization: 'Token abc' } })
    expect(token).toMatchObject({ status: 401, body: expected })
    const headers = await login(standin)
    standin.expireSessions()
    expect(await call(standin, submissionsPath(), { headers })).toMatchObject({ status: 401, body: expected })
  })

  it('takes Basic only over HTTPS (401.3 on plain HTTP, accepted behind a TLS proxy)', async () => {
    const basic = `Basic ${Buffer.from(`${EMAIL}:${PASSWORD}`).toString('base64')}`
    const plain = await call(standin, submissionsPath(), { headers: { Authorization: basic } })
    expect(plain).toMatchObject({ status: 401, body: { code: 401.3 } })
    const proxied = await call(standin, submissionsPath(), {
      headers: { Authorization: basic, 'X-Forwarded-Proto': 'https' },
    })
    expect(proxied.status).toBe(200)
  })

  it('lets an App User key list forms through /v1/key/ but refuses it OData (403.1: no submission.read)', async () => {
    const res = await call(standin, `/v1/key/${APP_USER_TOKEN}/projects/${PROJECT}/forms/${FORM}.svc/Submissions`)
    expect(res).toMatchObject({ status: 403, body: { code: 403.1 } })
    // It may list the project's open forms (`open_form.list`), but sees no project (no `project.read`).
    const forms = await call(standin, `/v1/key/${APP_USER_TOKEN}/projects/${PROJECT}/forms`)
    expect(forms).toMatchObject({ status: 200, body: [expect.objectContaining({ xmlFormId: FORM })] })
    expect((await call(standin, `/v1/key/${APP_USER_TOKEN}/projects`)).body).toEqual([])
    // An unknown key of valid shape is 403.1 too (no credential prompt); a malformed one is 401.2.
    const unknown = await call(standin, `/v1/key/${'z'.repeat(64)}/projects/${PROJECT}/forms`)
    expect(unknown).toMatchObject({ status: 403, body: { code: 403.1 } })
    const malformed = await call(standin, `/v1/key/short/projects/${PROJECT}/forms`)
    expect(malformed).toMatchObject({ status: 401, body: { code: 401.2 } })
  })

  it('lets a Project Viewer read submissions and refuses a Data Collector (403.1)', async () => {
    expect((await call(standin, submissionsPath(), { headers: await login(standin, VIEWER) })).status).toBe(200)
    const collector = await call(standin, submissionsPath(), { headers: await login(standin, COLLECTOR) })
    expect(collector).toMatchObject({ status: 403, body: { code: 403.1 } })
  })

  it('lists projects and forms (§B5), and answers 404.1 for an unknown form', async () => {
    const headers = await login(standin)
    expect((await call(standin, '/v1/projects', { headers })).body).toEqual([
      expect.objectContaining({ id: PROJECT, name: 'Relais communautaires' }),
    ])
    const forms = await call(standin, `/v1/projects/${PROJECT}/forms`, { headers })
    expect(forms.body).toEqual([expect.objectContaining({ projectId: PROJECT, xmlFormId: FORM, state: 'open' })])
    const unknown = await call(standin, `/v1/projects/${PROJECT}/forms/nope.svc/Submissions`, { headers })
    expect(unknown).toEqual(
      expect.objectContaining({
        status: 404,
        body: { message: 'Could not find the resource you were looking for.', code: 404.1 },
      }),
    )
    clock += 1000
  })
})

describe('ODK stand-in: the OData data document (§B3, §B4; cb lib/formats/odata.js, lib/data/odata.js)', () => {
  let standin: OdkStandin
  let headers: Record<string, string>
  let clock = Date.UTC(2026, 9, 3, 9, 0, 0)
  const ids: string[] = []
  beforeAll(async () => {
    standin = await startStandin({ now: () => new Date(clock) })
    headers = await login(standin)
    for (let i = 1; i <= 5; i++) {
      ids.push(standin.store.add(PROJECT, FORM, rc(`RC-AQ-0000${i}`)).instanceId)
      clock += 1000
    }
  })
  afterAll(() => standin.close())

  const get = async (params: Record<string, string> = {}) => {
    const res = await call(standin, submissionsPath(params), { headers })
    return res
  }

  it('serves rows with nested groups, nulls for unanswered fields, numbers for int, then __id and __system', async () => {
    const res = await get({ $top: '1' })
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const doc = res.body as Doc
    expect(Object.keys(doc)).toEqual(['value', '@odata.context', '@odata.nextLink'])
    expect(doc['@odata.context']).toBe(`${standin.url}/v1/projects/${PROJECT}/forms/${FORM}.svc/$metadata#Submissions`)
    const row = doc.value[0] as Doc['value'][number]
    expect(Object.keys(row)).toEqual(['identification', 'vih', 'tb', 'palu', 'general', 'meta', '__id', '__system'])
    expect(row.identification).toEqual({ rc_code: 'RC-AQ-00005', mois: '2026-09' })
    expect((row.vih as Record<string, unknown>).sens_m_15_24).toBe(4)
    expect((row.vih as Record<string, unknown>).sens_f_15_24).toBeNull()
    expect((row.general as Record<string, unknown>).photo_registre).toBeNull()
    expect(row.meta).toEqual({ instanceID: ids[4] })
    expect(row.__id).toBe(ids[4])
    expect(row.__system).toEqual({
      submissionDate: '2026-10-03T09:00:04.000Z',
      updatedAt: null,
      deletedAt: null,
      submitterId: '5',
      submitterName: 'Données ONG Espoir',
      attachmentsPresent: 0,
      attachmentsExpected: 0,
      status: null,
      reviewState: null,
      deviceId: 'collect:Xq0tR7aHbD2kLm9P',
      edits: 0,
      formVersion: '2026090101',
    })
  })

  it('orders newest first, and emits nextLink only with $top, as Central builds it ($skiptoken = 01 + base64 JSON)', async () => {
    const all = (await get()).body as Doc
    expect(all.value.map((r) => r.__id)).toEqual([...ids].reverse())
    expect(all['@odata.nextLink']).toBeUndefined()

    const first = (await get({ $top: '2', $count: 'true', $filter: '__system/submissionDate gt 2026-01-01T00:00:00Z' }))
      .body as Doc
    expect(Object.keys(first)).toEqual(['value', '@odata.context', '@odata.nextLink', '@odata.count'])
    expect(first['@odata.count']).toBe(5)
    const token = `01${Buffer.from(JSON.stringify({ instanceId: ids[3] })).toString('base64')}`
    expect(first['@odata.nextLink']).toBe(
      `${standin.url}/v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions?%24top=2&%24count=true` +
        `&%24filter=__system%2FsubmissionDate+gt+2026-01-01T00%3A00%3A00Z&%24skiptoken=${encodeURIComponent(token)}`,
    )
  })

  it('pages by keyset: following nextLink neither repeats nor loses a row while new submissions arrive', async () => {
    const seen: string[] = []
    let next: string | undefined = `${standin.url}${submissionsPath({ $top: '2' })}`
    let arrived: string | undefined
    while (next) {
      const res = await fetch(next, { headers })
      const doc = (await res.json()) as Doc
      seen.push(...doc.value.map((r) => r.__id))
      if (!arrived) {
        clock += 1000
        arrived = standin.store.add(PROJECT, FORM, rc('RC-AQ-00099')).instanceId
      }
      next = doc['@odata.nextLink']
    }
    expect(seen).toEqual([...ids].reverse())
    standin.store.purge(PROJECT, FORM, arrived as string)
  })

  it('counts without rows with $top=0&$count=true (no nextLink: no row to make a token of)', async () => {
    expect((await get({ $top: '0', $count: 'true' })).body).toEqual({
      value: [],
      '@odata.context': expect.any(String),
      '@odata.count': 5,
    })
  })

  it('links one extra, empty page after $skip (remaining is counted without the offset: cb countByFormId)', async () => {
    const page = (await get({ $top: '2', $skip: '3' })).body as Doc
    expect(page.value.map((r) => r.__id)).toEqual([ids[1], ids[0]])
    expect(page['@odata.nextLink']).not.toContain('%24skip=')
    const extra = (await (await fetch(page['@odata.nextLink'] as string, { headers })).json()) as Doc
    expect(extra.value).toEqual([])
    expect(extra['@odata.nextLink']).toBeUndefined()
  })

  it('filters on submissionDate with gt/ge/lt/le, and/or/not (cb lib/data/odata-filter.js)', async () => {
    const at = (i: number) => `2026-10-03T09:00:0${i}.000Z`
    const ids$ = async (filter: string) => ((await get({ $filter: filter })).body as Doc).value.map((r) => r.__id)
    expect(await ids$(`__system/submissionDate gt ${at(2)}`)).toEqual([ids[4], ids[3]])
    expect(await ids$(`__system/submissionDate ge ${at(2)}`)).toEqual([ids[4], ids[3], ids[2]])
    expect(await ids$(`__system/submissionDate lt ${at(1)}`)).toEqual([ids[0]])
    expect(await ids$(`__system/submissionDate le ${at(1)} and __system/submissionDate ge ${at(1)}`)).toEqual([ids[1]])
    expect(await ids$(`__system/submissionDate lt ${at(1)} or (__system/submissionDate gt ${at(3)})`)).toEqual([
      ids[4],
      ids[0],
    ])
    expect(await ids$(`not (__system/submissionDate gt ${at(0)})`)).toEqual([ids[0]])
    // `updatedAt gt T` is unknown for never-edited rows (NULL), and `not unknown` stays unknown: nothing.
    expect(await ids$(`not (__system/updatedAt gt ${at(0)})`)).toEqual([])
    expect(await ids$(`__id eq '${ids[2]}'`)).toEqual([ids[2]])
  })

  it('keeps microseconds: `gt` the millisecond JSON shows returns that row again (§E6)', async () => {
    clock = Date.UTC(2026, 9, 3, 9, 0, 30)
    const a = standin.store.add(PROJECT, FORM, rc('RC-AQ-00030'))
    const b = standin.store.add(PROJECT, FORM, rc('RC-AQ-00031')) // same millisecond, one µs later
    const doc = (await get({ $filter: '__system/submissionDate gt 2026-10-03T09:00:30.000Z' })).body as Doc
    expect(doc.value.map((r) => r.__id)).toEqual([b.instanceId])
    expect(doc.value[0]?.__system.submissionDate).toBe('2026-10-03T09:00:30.000Z')
    standin.store.purge(PROJECT, FORM, a.instanceId)
    standin.store.purge(PROJECT, FORM, b.instanceId)
  })

  it('orders by a system field ascending with the id as tie-break, and pages that with $top/$skip', async () => {
    const page = (await get({ $orderby: '__system/submissionDate asc', $top: '2', $skip: '1' })).body as Doc
    expect(page.value.map((r) => r.__id)).toEqual([ids[1], ids[2]])
  })

  it.each([
    [{ format: 'json' }, 501, 501.1],
    [{ $orderby: '__system/submissionDate', $skiptoken: '01e30=' }, 501, 501.1],
    [{ $filter: 'identification/rc_code eq 1' }, 501, 501.5],
    [{ $filter: '__system/submissionDate gt' }, 400, 400.18],
    [{ $skiptoken: 'abc' }, 400, 400.35],
    [{ $top: 'ten' }, 400, 400.11],
    [{ $format: 'xml' }, 406, 406.1],
  ])('refuses %j with %d (code %d) (§B2)', async (params, status, code) => {
    const res = await get(params)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ code, message: expect.any(String) })
  })
})

describe('ODK stand-in: edits, deletes and attachments (§B4, cb lib/model/query/submissions.js)', () => {
  let standin: OdkStandin
  let headers: Record<string, string>
  let clock = Date.UTC(2026, 9, 3, 9, 0, 0)
  beforeAll(async () => {
    standin = await startStandin({ now: () => new Date(clock) })
    headers = await login(standin)
  })
  afterAll(() => standin.close())

  const rows = async (params: Record<string, string> = {}) =>
    ((await call(standin, submissionsPath(params), { headers })).body as Doc).value

  it('keeps __id and submissionDate through an edit; meta.instanceID, updatedAt, edits and reviewState change', async () => {
    const s = standin.store.add(PROJECT, FORM, rc('RC-AQ-00042'))
    clock += 60_000
    standin.store.edit(PROJECT, FORM, s.instanceId, { 'palu/tdr': '14' })
    const [row] = await rows({ $filter: '__system/updatedAt gt 2026-10-03T09:00:30Z' })
    expect(row?.__id).toBe(s.instanceId)
    expect((row?.meta as { instanceID: string }).instanceID).not.toBe(s.instanceId)
    expect((row?.palu as Record<string, unknown>).tdr).toBe(14)
    expect(row?.__system).toMatchObject({
      submissionDate: '2026-10-03T09:00:00.000Z',
      updatedAt: '2026-10-03T09:01:00.000Z',
      reviewState: 'edited',
      edits: 1,
    })
  })

  it('hides a soft-deleted submission unless the filter names __system/deletedAt (cb odataExcludeDeleted)', async () => {
    clock += 60_000
    const s = standin.store.add(PROJECT, FORM, rc('RC-AQ-00043'))
    clock += 60_000
    standin.store.delete(PROJECT, FORM, s.instanceId)
    expect((await rows()).map((r) => r.__id)).not.toContain(s.instanceId)
    expect(
      (await rows({ $filter: '__system/submissionDate gt 2026-10-03T09:01:30Z' })).map((r) => r.__id),
    ).not.toContain(s.instanceId)
    const deleted = await rows({ $filter: '__system/deletedAt gt 2026-10-03T09:02:30Z' })
    expect(deleted.map((r) => r.__id)).toEqual([s.instanceId])
    expect(deleted[0]?.__system.deletedAt).toBe('2026-10-03T09:03:00.000Z')
    // Naming deletedAt anywhere lifts the exclusion: `… or deletedAt gt T` returns live and deleted rows.
    const both = await rows({
      $filter: '__system/submissionDate ge 2026-10-03T09:00:00Z or __system/deletedAt gt 2026-10-03T00:00:00Z',
    })
    expect(both).toHaveLength(2)
    const single = await call(standin, `/v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions('${s.instanceId}')`, {
      headers,
    })
    expect(single).toMatchObject({ status: 404, body: { code: 404.1 } })
    standin.store.restore(PROJECT, FORM, s.instanceId)
    expect((await rows()).map((r) => r.__id)).toContain(s.instanceId)
  })

  it('still pages from a skiptoken whose submission was deleted; a purged one gives an empty page', async () => {
    const all = await rows()
    const first = all[0]?.__id as string
    const token = `01${Buffer.from(JSON.stringify({ instanceId: first })).toString('base64')}`
    standin.store.delete(PROJECT, FORM, first)
    expect((await rows({ $top: '5', $skiptoken: token })).map((r) => r.__id)).toEqual([all[1]?.__id])
    standin.store.purge(PROJECT, FORM, first)
    expect(await rows({ $top: '5', $skiptoken: token })).toEqual([])
  })

  it('references attachments by name only: counts in __system, names in /attachments', async () => {
    const s = standin.store.add(PROJECT, FORM, rc('RC-AQ-00044', { 'general/photo_registre': '1760000000000.jpg' }), {
      attachments: [],
    })
    const [row] = await rows({ $filter: `__id eq '${s.instanceId}'` })
    expect((row?.general as Record<string, unknown>).photo_registre).toBe('1760000000000.jpg')
    expect(row?.__system).toMatchObject({ attachmentsPresent: 0, attachmentsExpected: 1 })
    const list = await call(
      standin,
      `/v1/projects/${PROJECT}/forms/${FORM}/submissions/${encodeURIComponent(s.instanceId)}/attachments`,
      { headers },
    )
    expect(list.body).toEqual([{ name: '1760000000000.jpg', exists: false }])
  })
})
