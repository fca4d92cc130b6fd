import { rcSubmissions, type KoboStandin } from '../src'
import { ASSET, TOKEN, dataPath, get, startStandin } from './support'

interface Page {
  count: number
  next: string | null
  previous: string | null
  results: Array<Record<string, unknown>>
}

describe('Kobo stand-in: authentication (kobo-odk-api.md §A1)', () => {
  let standin: KoboStandin
  beforeAll(async () => {
    standin = await startStandin({ password: 'secret' })
    standin.add(ASSET, { 'identification/rc_code': 'RC-AQ-00042' })
  })
  afterAll(() => standin.close())

  it.each([
    ['an unknown token', `Token nope`, 'Invalid token.'],
    ['a Token header without key', 'Token', 'Invalid token header. No credentials provided.'],
    ['a token with spaces', 'Token a b', 'Invalid token header. Token string should not contain spaces.'],
    ['a wrong password', `Basic ${Buffer.from('ong_espoir:wrong').toString('base64')}`, 'Invalid username/password.'],
  ])('answers 401 to %s, as DRF words it', async (_what, authorization, message) => {
    const res = await get(standin, dataPath(), { Authorization: authorization })
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ detail: message })
    expect(res.headers.get('www-authenticate')).toBe('Session')
  })

  it('hides a project from anonymous users with 404', async () => {
    const res = await get(standin, dataPath(), {})
    expect(res).toMatchObject({ status: 404, body: { detail: 'Not found.' } })
  })

  it('accepts the token and Basic auth', async () => {
    expect((await get(standin, dataPath())).status).toBe(200)
    const basic = { Authorization: `Basic ${Buffer.from('ong_espoir:secret').toString('base64')}` }
    expect((await get(standin, dataPath(), basic)).status).toBe(200)
    expect((await get(standin, '/token/?format=json', basic)).body).toEqual({ token: TOKEN })
  })

  it('names an unknown asset', async () => {
    const res = await get(standin, dataPath({}, 'aUnknown'))
    expect(res).toMatchObject({ status: 404, body: { detail: 'No Asset matches the given query.' } })
  })

  it('refuses POST to the list with 405', async () => {
    const res = await fetch(`${standin.url}/api/v2/assets/${ASSET}/data/`, {
      method: 'POST',
      headers: { Authorization: `Token ${TOKEN}` },
    })
    expect(res.status).toBe(405)
  })
})

describe('Kobo stand-in: /data/ (kobo-odk-api.md §A2, §A3)', () => {
  let standin: KoboStandin
  let clock = Date.UTC(2026, 9, 3, 9, 0, 0)
  beforeAll(async () => {
    standin = await startStandin({ now: () => new Date(clock) })
    for (const answers of rcSubmissions(2500, 7)) {
      standin.add(ASSET, answers)
      clock += 1000
    }
  })
  afterAll(() => standin.close())

  it('pages with limit 100 by default, caps limit at 1000 silently, and builds next/previous as DRF', async () => {
    const first = (await get(standin, `/api/v2/assets/${ASSET}/data/?format=json`)).body as Page
    expect(first.count).toBe(2500)
    expect(first.results).toHaveLength(100)
    expect(first.previous).toBeNull()
    expect(first.next).toBe(`${standin.url}/api/v2/assets/${ASSET}/data/?format=json&limit=100&start=100`)

    const capped = (await get(standin, dataPath({ limit: '5000', start: '1000' }))).body as Page
    expect(capped.results).toHaveLength(1000)
    expect(capped.next).toBe(`${standin.url}/api/v2/assets/${ASSET}/data/?format=json&limit=1000&start=2000`)
    // previous page is the first one: `start` dropped entirely
    expect(capped.previous).toBe(`${standin.url}/api/v2/assets/${ASSET}/data/?format=json&limit=1000`)

    const last = (await get(standin, dataPath({ limit: '1000', start: '2000' }))).body as Page
    expect(last.results).toHaveLength(500)
    expect(last.next).toBeNull()
    expect(last.previous).toBe(`${standin.url}/api/v2/assets/${ASSET}/data/?format=json&limit=1000&start=1000`)

    const past = (await get(standin, dataPath({ start: '9999' }))).body as Page
    expect(past).toMatchObject({ count: 2500, next: null, results: [] })
  })

  it('keeps every parameter in next, sorted and encoded like Python quote_plus', async () => {
    const query = { _submission_time: { $gte: '2026-10-03T09:00:00' } }
    const page = (await get(standin, dataPath({ query, sort: { _id: 1 }, limit: '1000' }))).body as Page
    expect(page.next).toBe(
      `${standin.url}/api/v2/assets/${ASSET}/data/?format=json&limit=1000` +
        '&query=%7B%22_submission_time%22%3A%7B%22%24gte%22%3A%222026-10-03T09%3A00%3A00%22%7D%7D' +
        '&sort=%7B%22_id%22%3A1%7D&start=1000',
    )
  })

  it('sorts by _id by default and by any keys given', async () => {
    const page = (await get(standin, dataPath({ limit: '1000' }))).body as Page
    const ids = page.results.map((r) => r._id as number)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    const desc = (await get(standin, dataPath({ sort: { _submission_time: -1 }, limit: '3' }))).body as Page
    expect(desc.results.map((r) => r._submission_time)).toEqual([
      '2026-10-03T09:41:39',
      '2026-10-03T09:41:38',
      '2026-10-03T09:41:37',
    ])
  })

  it.each([
    [{ _submission_time: { $gt: '2026-10-03T09:41:37' } }, 2],
    [{ _submission_time: { $gte: '2026-10-03T09:41:37' } }, 3],
    [{ _submission_time: { $lt: '2026-10-03T09:00:02' } }, 2],
    [{ _submission_time: { $lte: '2026-10-03T09:00:02' } }, 3],
    [{ _submission_time: { $gte: '2026-10-03T09:00:00', $lt: '2026-10-03T09:00:10' } }, 10],
    [{ 'identification/rc_code': { $in: ['RC-AQ-00001', 'RC-AQ-00002', 'RC-XX-1'] } }, 2],
    [{ 'identification/rc_code': { $nin: ['RC-AQ-00001'] } }, 2499],
    [{ 'identification/rc_code': { $regex: '^rc-aq-0000[1-3]$', $options: 'i' } }, 3],
    [{ 'identification/rc_code': { $not: { $regex: '^RC-AQ-000' } } }, 2500 - 99],
    [{ 'identification/rc_code': 'RC-AQ-00042' }, 1],
    [{ 'identification/rc_code': { $ne: 'RC-AQ-00042' } }, 2499],
    [{ $or: [{ 'identification/rc_code': 'RC-AQ-00001' }, { 'identification/rc_code': 'RC-AQ-00002' }] }, 2],
    [{ $and: [{ 'vih/sens_m_moins15': '0' }, { 'vih/sens_m_moins15': { $exists: true } }] }, undefined],
    [{ 'palu/milda': { $exists: false } }, undefined],
    [{ _submission_time: { $date: '2026-10-03T09:00:00Z' } }, 0], // a date never equals Kobo's string
    [{ _id: { $eq: 48211900 } }, 0], // unknown operator: escaped by Kobo, matches nothing
    [{ $where: 'true' }, 0],
  ])('query %j → %s results', async (query, expected) => {
    const page = (await get(standin, dataPath({ query, limit: '1' }))).body as Page
    const all = standin.store.list(ASSET)
    if (expected === undefined) expect(page.count).toBeGreaterThan(0)
    else expect(page.count).toBe(expected)
    expect(page.count).toBeLessThanOrEqual(all.length)
  })

  it('coerces a top-level string _id to a number, not inside an operator', async () => {
    const first = standin.store.list(ASSET)[0]?._id as number
    expect(((await get(standin, dataPath({ query: { _id: String(first) } }))).body as Page).count).toBe(1)
    expect(((await get(standin, dataPath({ query: { _id: { $gt: String(first) } } }))).body as Page).count).toBe(0)
    expect(((await get(standin, dataPath({ query: { _id: { $gt: first } } }))).body as Page).count).toBe(2499)
  })

  it('projects fields, always adding _uuid and meta/rootUuid', async () => {
    const page = (await get(standin, dataPath({ fields: ['_id', '_submission_time'], limit: '1' }))).body as Page
    expect(Object.keys(page.results[0] ?? {}).sort()).toEqual(['_id', '_submission_time', '_uuid', 'meta/rootUuid'])
  })

  it.each([
    [{ limit: '0' }, { limit: 'A positive integer is required' }],
    [{ limit: 'abc' }, { limit: 'A positive integer is required' }],
    [{ start: '-1' }, { start: 'A positive integer is required.' }],
    [{ query: '{bad' }, { query: 'Value must be valid JSON.' }],
    [{ sort: '{bad' }, { sort: 'Value must be valid JSON.' }],
    [{ fields: '[bad' }, { fields: 'Value must be valid JSON.' }],
    [{ count: '1' }, { count: 'This param is not implemented. Use `count` property of the response instead.' }],
    [{ query: { $in: [1] } }, ['Unsupported query']],
    [{ query: { _tags: { $all: 'x' } } }, ['$all needs an array']],
  ])('answers %j with 400 %j', async (params, body) => {
    const res = await get(standin, dataPath(params))
    expect(res).toMatchObject({ status: 400, body })
  })

  it('gives submissions as Kobo does: strings, group prefixes, metadata', async () => {
    const [doc] = ((await get(standin, dataPath({ limit: '1' }))).body as Page).results
    expect(doc).toMatchObject({
      _id: expect.any(Number),
      'identification/rc_code': 'RC-AQ-00001',
      'identification/mois': '2026-09',
      'vih/sens_m_moins15': expect.stringMatching(/^\d+$/),
      'meta/instanceID': `uuid:${String(doc?._uuid)}`,
      'meta/rootUuid': `uuid:${String(doc?._uuid)}`,
      _submission_time: '2026-10-03T09:00:00',
      _submitted_by: 'ong_espoir',
      _attachments: [],
      _geolocation: [null, null],
      _validation_status: {},
      _xform_id_string: ASSET,
    })
    expect(doc).not.toHaveProperty('_tags')
    const answers = Object.entries(doc ?? {}).filter(
      ([k]) => k.includes('/') && !k.startsWith('meta/') && k !== 'formhub/uuid',
    )
    expect(answers.every(([, v]) => typeof v === 'string')).toBe(true)
  })

  it('accepts the .json suffix and returns one submission by _id or root uuid', async () => {
    const suffix = await get(standin, `/api/v2/assets/${ASSET}/data.json?limit=2`)
    expect((suffix.body as Page).results).toHaveLength(2)
    const doc = standin.store.list(ASSET)[5] as Record<string, unknown>
    expect((await get(standin, `/api/v2/assets/${ASSET}/data/${String(doc._id)}/`)).body).toEqual(doc)
    const root = String(doc['meta/rootUuid']).replace('uuid:', '')
    expect((await get(standin, `/api/v2/assets/${ASSET}/data/${root}/`)).body).toEqual(doc)
    expect((await get(standin, `/api/v2/assets/${ASSET}/data/1/`)).status).toBe(404)
  })

  it('lists assets', async () => {
    const res = (await get(standin, '/api/v2/assets/?format=json')).body as Page
    expect(res.count).toBe(1)
    expect(res.results[0]).toMatchObject({ uid: ASSET, deployment__submission_count: 2500, asset_type: 'survey' })
  })
})

describe('Kobo stand-in: edits and deletes (kobo-odk-api.md §A3)', () => {
  let standin: KoboStandin
  beforeAll(async () => {
    standin = await startStandin()
  })
  afterAll(() => standin.close())

  it('edits in place: same _id, _submission_time and rootUuid; new _uuid and instanceID; deprecatedID', async () => {
    const before = standin.add(ASSET, { 'identification/rc_code': 'RC-AQ-00042', 'general/vad': '22' })
    const after = standin.edit(ASSET, before._id as number, { 'general/vad': '23', 'general/difficultes': 'Corrigé' })
    expect(after).toMatchObject({
      _id: before._id,
      _submission_time: before._submission_time,
      _submitted_by: before._submitted_by,
      'meta/rootUuid': before['meta/rootUuid'],
      'meta/deprecatedID': before['meta/instanceID'],
      'meta/instanceID': `uuid:${String(after._uuid)}`,
      'general/vad': '23',
      'general/difficultes': 'Corrigé',
    })
    expect(after._uuid).not.toBe(before._uuid)
    const again = standin.edit(ASSET, before._id as number, { 'general/difficultes': null })
    expect(again['meta/deprecatedID']).toBe(after['meta/instanceID'])
    expect(again).not.toHaveProperty('general/difficultes')
    const listed = ((await get(standin, dataPath())).body as Page).results
    expect(listed).toEqual([again])
  })

  it('deletes hard: gone from results and count', async () => {
    const doc = standin.add(ASSET, { 'identification/rc_code': 'RC-AQ-00043' })
    expect(((await get(standin, dataPath())).body as Page).count).toBe(2)
    expect(standin.delete(ASSET, doc._id as number)).toBe(true)
    const page = (await get(standin, dataPath())).body as Page
    expect(page.count).toBe(1)
    expect(page.results.some((r) => r._id === doc._id)).toBe(false)
  })

  it('answers 400 for an undeployed asset', async () => {
    standin.store.addAsset({ uid: 'aDraft', deployed: false })
    const res = await get(standin, dataPath({}, 'aDraft'))
    expect(res).toMatchObject({ status: 400, body: { detail: 'The specified asset has not been deployed' } })
  })

  it('injects faults for client tests', async () => {
    standin.injectFault({ status: 503, retryAfter: 7, times: 2 })
    const a = await get(standin, dataPath())
    const b = await get(standin, dataPath())
    expect([a.status, b.status, a.headers.get('retry-after')]).toEqual([503, 503, '7'])
    expect((await get(standin, dataPath())).status).toBe(200)
  })
})
