import { createOdkStandin, rcForm } from '@relais/odk-standin'
import { rcSubmissions } from '@relais/kobo-standin'
import { createOdkClient, followNextLink, OdkError, submissionsQuery, type OdkPage } from './client'
import { APP_USER_TOKEN, EMAIL, FORM, PASSWORD, PROJECT, startHarness, type Harness } from './test-support'

async function collect(pages: AsyncGenerator<OdkPage>): Promise<OdkPage[]> {
  const out: OdkPage[] = []
  for await (const page of pages) out.push(page)
  return out
}

async function failure(promise: Promise<unknown>): Promise<OdkError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof OdkError) return error
    throw error
  }
  throw new Error('expected an OdkError')
}

describe('ODK Central client against the stand-in', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
    let t = Date.parse('2026-10-03T09:00:00Z')
    for (const answers of rcSubmissions(2345, 11)) {
      h.setTime(new Date((t += 1000)).toISOString())
      h.standin.store.add(PROJECT, FORM, answers)
    }
  })
  afterAll(() => h.standin.close())

  it('logs in once, then pages 1,000 at a time through @odata.nextLink with the Bearer token', async () => {
    const before = h.standin.requests.length
    const pages = await collect(h.client.pages(FORM, { count: true }))
    expect(pages.map((p) => p.rows.length)).toEqual([1000, 1000, 345])
    expect(pages.every((p) => p.count === 2345)).toBe(true)
    const ids = pages.flatMap((p) => p.rows.map((r) => r.__id))
    expect(new Set(ids).size).toBe(2345)
    const requests = h.standin.requests.slice(before)
    expect(requests.map((r) => `${r.method} ${r.url.replace(/%24skiptoken=[^&]+/, '%24skiptoken=…')}`)).toEqual([
      'POST /v1/sessions',
      `GET /v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions?%24top=1000&%24count=true`,
      `GET /v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions?%24top=1000&%24count=true&%24skiptoken=…`,
      `GET /v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions?%24top=1000&%24count=true&%24skiptoken=…`,
    ])
    expect(requests.slice(1).every((r) => /^Bearer [A-Za-z0-9!$]{64}$/.test(r.authorization ?? ''))).toBe(true)
  })

  it('sends the $filter as Central reads it and gets typed, nested rows', async () => {
    const [page] = await collect(
      h.client.pages(FORM, { filter: '__system/submissionDate gt 2026-10-03T09:38:00Z', top: 5000 }),
    )
    expect(page?.rows).toHaveLength(2345 - 2280)
    const row = page?.rows[0]
    expect(row?.__system.submissionDate).toBe('2026-10-03T09:39:05.000Z')
    expect(typeof (row?.vih as Record<string, unknown>).sens_m_15_24).toBe('number')
    expect((row?.identification as Record<string, unknown>).rc_code).toMatch(/^RC-AQ-\d{5}$/)
  })

  it('logs in again once when the 24-hour session has expired', async () => {
    h.standin.expireSessions()
    const before = h.standin.requests.length
    const pages = await collect(h.client.pages(FORM, { top: 3000 }))
    expect(pages[0]?.rows).toHaveLength(2345)
    expect(h.standin.requests.slice(before).map((r) => r.method)).toEqual(['GET', 'POST', 'GET'])
  })

  it('reports wrong credentials as permanent (401.2), without logging in again', async () => {
    const before = h.standin.requests.length
    const client = h.clientWith({ auth: { kind: 'session', email: EMAIL, password: 'wrong' } })
    const error = await failure(collect(client.pages(FORM)))
    expect(error).toMatchObject({ kind: 'permanent', status: 401, code: 401.2 })
    expect(h.standin.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/sessions'])
  })

  it('sends an App User key in the path, and explains Central refusing it OData (403.1)', async () => {
    const before = h.standin.requests.length
    const client = h.clientWith({ auth: { kind: 'appUser', token: APP_USER_TOKEN } })
    const error = await failure(collect(client.pages(FORM)))
    expect(error).toMatchObject({ kind: 'permanent', status: 403, code: 403.1 })
    expect(error.message).toContain('Project Viewer')
    expect(h.standin.requests.slice(before).map((r) => r.url)).toEqual([
      `/v1/key/${APP_USER_TOKEN}/projects/${PROJECT}/forms/${FORM}.svc/Submissions?%24top=1000`,
    ])
  })

  it.each([
    ['an unknown form', 'nope', {}, 404, 404.1],
    ['a filter on a form field', FORM, { filter: "identification/rc_code eq 'x'" }, 501, 501.5],
    ['a filter that does not parse', FORM, { filter: '__system/updatedAt gt' }, 400, 400.18],
  ])('classifies %s as permanent', async (_what, form, query, status, code) => {
    const error = await failure(collect(h.client.pages(form, query)))
    expect(error).toMatchObject({ kind: 'permanent', status, code })
  })

  it.each([503, 502, 429])('classifies %d as transient', async (status) => {
    h.standin.injectFault({ status, body: { message: 'busy', code: status } })
    const error = await failure(collect(h.client.pages(FORM)))
    expect(error).toMatchObject({ kind: 'transient', status })
  })

  it('gives up on a slow answer after the timeout, as transient', async () => {
    h.standin.injectFault({ delayMs: 600 })
    const client = h.clientWith({ timeoutMs: 200 })
    const error = await failure(collect(client.pages(FORM)))
    expect(error).toMatchObject({ kind: 'transient' })
    expect(error.message).toMatch(/within 200 ms/)
  })

  it('answers a body that is not OData as permanent', async () => {
    h.standin.injectFault({ status: 200, body: { rows: [] } })
    const error = await failure(collect(h.client.pages(FORM)))
    expect(error).toMatchObject({ kind: 'permanent' })
    expect(error.message).toMatch(/unexpected body/)
  })
})

describe('ODK Central client: nextLink on another domain', () => {
  it('follows the link on the configured origin only', async () => {
    const standin = createOdkStandin({
      users: [{ email: EMAIL, password: PASSWORD, role: 'viewer' }],
      projects: [{ id: PROJECT, name: 'p', forms: [rcForm(FORM)] }],
      domain: 'https://central.example.org',
    })
    const url = await standin.listen()
    try {
      for (const answers of rcSubmissions(5, 3)) standin.store.add(PROJECT, FORM, answers)
      const client = createOdkClient({
        baseUrl: url,
        projectId: PROJECT,
        auth: { kind: 'session', email: EMAIL, password: PASSWORD },
      })
      const pages = await collect(client.pages(FORM, { top: 2 }))
      expect(pages.map((p) => p.rows.length)).toEqual([2, 2, 1])
    } finally {
      await standin.close()
    }
  })

  it('refuses a link to another path', () => {
    const base = new URL('https://central.example.org')
    const path = `/v1/projects/${PROJECT}/forms/${FORM}.svc/Submissions`
    expect(followNextLink(`https://x.org${path}?%24top=2`, base, path)).toBe(
      `https://central.example.org${path}?%24top=2`,
    )
    expect(() => followNextLink('https://x.org/v1/projects/9/forms/other.svc/Submissions', base, path)).toThrow(
      OdkError,
    )
  })

  it('only ever sends $-options (Central answers any other parameter 501.1)', () => {
    expect(submissionsQuery({ filter: '__system/updatedAt ge 2026-10-01T00:00:00.000Z', count: true })).toBe(
      '%24top=1000&%24count=true&%24filter=__system%2FupdatedAt+ge+2026-10-01T00%3A00%3A00.000Z',
    )
  })
})
