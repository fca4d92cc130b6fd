/**
 * The tracker API for event programs (web-api §5; docs@2.41 `tracker.md`; core@2.41.9 `TrackerImportController`,
 * `tracker/imports/validation/validator/event/*`, `EventsExportController`) against the real HTTP server, with
 * the package's program `RC_PDV_RECHERCHE` (issue 19 §3): sync and async imports, the ImportReport, DHIS2's
 * validation codes, capture scope and program sharing, and the events export with its [Δ] shapes per version.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uid } from '../src/seed'
import { loadState } from '../src/store/persistence'
import { createUserWithoutApp, startStandin, type Client } from './support'

const PROGRAM = uid('program', 'RC_PDV_RECHERCHE')
const STAGE = uid('programStage', 'RC_PDV_RECHERCHE_ETAPE')
const DE = (code: string) => uid('dataElement', code)
const SEXES = uid('optionSet', 'RC_PDV_SEXES')

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'small', months: 0, now: '2026-10-10T10:00:00Z', testEndpoints: true })
})
afterAll(() => c.close())

const rcOf = (username: string) => c.standin.ctx.index.usersByUsername.get(username)!.organisationUnits[0]!.id
const unit = (code: string) => c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!
/** An RC outside the `relais` user's own org unit (another department). */
const otherRc = () =>
  c.standin.ctx.state.metadata.organisationUnits.find((o) => o.level === 5 && o.id !== rcOf('relais'))!
let n = 0
/** A fresh valid UID per call (DHIS2's format: a letter then 10 alphanumerics). */
const newUid = () => `Evt${String(++n).padStart(8, '0')}`

const caseEvent = (extra: Record<string, unknown> = {}, orgUnit = rcOf('relais')) => ({
  event: newUid(),
  program: PROGRAM,
  programStage: STAGE,
  orgUnit,
  occurredAt: '2026-10-09',
  status: 'ACTIVE',
  dataValues: [
    { dataElement: DE('RC_PDV_PSEUDONYME'), value: 'PDV-7F3K-2Q' },
    { dataElement: DE('RC_PDV_SITE'), value: 'CS-ABOMEY-01' },
    { dataElement: DE('RC_PDV_SEXE'), value: 'F' },
    { dataElement: DE('RC_PDV_TRANCHE_AGE'), value: 'A_25PLUS' },
    { dataElement: DE('RC_PDV_RDV_MANQUE'), value: '2026-08-14' },
  ],
  ...extra,
})

const post = (events: unknown[], { as = 'admin', query = 'async=false' } = {}) =>
  c.call('POST', `/api/tracker${query ? `?${query}` : ''}`, { as, body: { events } })
const codes = (body: { validationReport: { errorReports: Array<{ errorCode: string }> } }) =>
  body.validationReport.errorReports.map((e) => e.errorCode).sort()

describe('POST /api/tracker?async=false: the ImportReport, 200 or 409', () => {
  it('an RC creates an event in their own org unit: 200 OK, created 1, stored with the clock and values', async () => {
    const event = caseEvent()
    const r = await post([event], { as: 'relais' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      status: 'OK',
      validationReport: { errorReports: [], warningReports: [] },
      stats: { created: 1, updated: 0, deleted: 0, ignored: 0, total: 1 },
      bundleReport: {
        typeReportMap: {
          EVENT: { trackerType: 'EVENT', stats: { created: 1, total: 1 }, objectReports: [{ uid: event.event }] },
        },
      },
    })
    // No WebMessage wrapper on the sync answer.
    expect(r.body.httpStatusCode).toBeUndefined()
    const got = await c.call('GET', `/api/tracker/events/${event.event}`, { as: 'relais' })
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({
      event: event.event,
      program: PROGRAM,
      programStage: STAGE,
      orgUnit: rcOf('relais'),
      status: 'ACTIVE',
      occurredAt: '2026-10-09T00:00:00.000',
      storedBy: 'relais',
      deleted: false,
      attributeOptionCombo: uid('categoryOptionCombo', 'default'),
    })
    // 10:00Z is 11:00 in Porto-Novo (UTC+1): server-local time, no offset.
    expect(got.body.createdAt).toMatch(/^2026-10-10T11:00:\d{2}\.\d{3}$/)
    expect(got.body.updatedAt).toBe(got.body.createdAt)
    expect(got.body.completedAt).toBeUndefined()
    expect(got.body.relationships).toBeUndefined()
    expect(
      Object.fromEntries(
        got.body.dataValues.map((d: { dataElement: string; value: string }) => [d.dataElement, d.value]),
      ),
    ).toEqual({
      [DE('RC_PDV_PSEUDONYME')]: 'PDV-7F3K-2Q',
      [DE('RC_PDV_SITE')]: 'CS-ABOMEY-01',
      [DE('RC_PDV_SEXE')]: 'F',
      [DE('RC_PDV_TRANCHE_AGE')]: 'A_25PLUS',
      [DE('RC_PDV_RDV_MANQUE')]: '2026-08-14',
    })
  })

  it('an event without a UID gets one; without program or stage, they come from each other (event program)', async () => {
    const { event: _ignored, program: _p, ...rest } = caseEvent()
    const r = await post([rest])
    expect(r.status).toBe(200)
    const uidCreated = r.body.bundleReport.typeReportMap.EVENT.objectReports[0].uid
    expect(uidCreated).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
    expect((await c.call('GET', `/api/tracker/events/${uidCreated}`)).body.program).toBe(PROGRAM)
    const { programStage: _s, ...noStage } = caseEvent()
    expect((await post([noStage])).body.stats.created).toBe(1)
  })

  it('E1000: an RC may not write in another RC org unit; atomicMode ALL stores nothing (409, ignored = total)', async () => {
    const good = caseEvent()
    const bad = caseEvent({}, otherRc().id)
    const r = await post([good, bad], { as: 'relais' })
    expect(r.status).toBe(409)
    expect(r.body.status).toBe('ERROR')
    expect(r.body.stats).toEqual({ created: 0, updated: 0, deleted: 0, ignored: 2, total: 2 })
    expect(r.body.bundleReport).toBeUndefined()
    expect(r.body.validationReport.errorReports).toEqual([
      {
        errorCode: 'E1000',
        trackerType: 'EVENT',
        uid: bad.event,
        message: `User: \`${c.standin.ctx.index.usersByUsername.get('relais')!.id}\`, has no write access to OrganisationUnit: \`${otherRc().id}\`.`,
        args: [c.standin.ctx.index.usersByUsername.get('relais')!.id, otherRc().id],
      },
    ])
    expect((await c.call('GET', `/api/tracker/events/${good.event}`)).status).toBe(404)
  })

  it('atomicMode=OBJECT commits the valid events: 200, status OK, ignored = the invalid ones', async () => {
    const good = caseEvent()
    const bad = caseEvent({}, otherRc().id)
    const r = await post([good, bad], { as: 'relais', query: 'async=false&atomicMode=OBJECT' })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('OK')
    expect(r.body.stats).toEqual({ created: 1, updated: 0, deleted: 0, ignored: 1, total: 2 })
    expect(codes(r.body)).toEqual(['E1000'])
    expect((await c.call('GET', `/api/tracker/events/${good.event}`)).status).toBe(200)
  })

  it.each([
    ['E1125 not an option code', { dataValues: [{ dataElement: DE('RC_PDV_SEXE'), value: 'X' }] }, 'E1125'],
    [
      'E1302 a DATE that is not one',
      { dataValues: [{ dataElement: DE('RC_PDV_RDV_MANQUE'), value: '14/08/2026' }] },
      'E1302',
    ],
    ['E1304 unknown data element', { dataValues: [{ dataElement: 'NoSuchDE001', value: '1' }] }, 'E1304'],
    [
      'E1305 an aggregate data element, not in the stage',
      { dataValues: [{ dataElement: DE('RC_VIH_SENS'), value: '3' }] },
      'E1305',
    ],
    ['E1031 no occurredAt', { occurredAt: undefined }, 'E1031'],
    ['E1010 unknown program', { program: 'NoProgram01' }, 'E1010'],
    ['E1013 unknown stage', { programStage: 'NoStage0001' }, 'E1013'],
    ['E1011 unknown org unit', { orgUnit: 'NoOrgUnit01' }, 'E1011'],
    ['E1048 invalid UID', { event: 'not-a-uid' }, 'E1048'],
    ['E1050 SCHEDULE without scheduledAt', { status: 'SCHEDULE', dataValues: [] }, 'E1050'],
    ['E1315 values on a SCHEDULE event', { status: 'SCHEDULE', scheduledAt: '2026-10-20' }, 'E1315'],
  ])('%s → 409 ERROR with that code', async (_name, extra, code) => {
    const r = await post([caseEvent(extra)])
    expect(r.status).toBe(409)
    expect(codes(r.body)).toEqual([code])
    expect(r.body.stats.ignored).toBe(1)
  })

  it('E1125 names the option set; E1302 says what the value type is', async () => {
    const r = await post([caseEvent({ dataValues: [{ dataElement: DE('RC_PDV_SEXE'), value: 'X' }] })])
    expect(r.body.validationReport.errorReports[0].message).toBe(
      `Value \`X\` is not a valid option code in option set \`${SEXES}\``,
    )
  })

  it('E1029: an org unit the program is not assigned to (a health zone)', async () => {
    const r = await post([caseEvent({}, unit('ZS-AQ-01').id)])
    expect(codes(r.body)).toEqual(['E1029'])
  })

  it('E1091: a supervisor reads the program data but may not write it', async () => {
    const r = await post([caseEvent()], { as: 'superviseur' })
    expect(r.status).toBe(409)
    expect(codes(r.body)).toEqual(['E1091'])
  })

  it('the bridge account writes anywhere in Bénin (its own sharing on the program)', async () => {
    const r = await post([caseEvent({}, otherRc().id)], { as: 'passerelle' })
    expect(r.status).toBe(200)
  })

  it('E1303: a completed event needs its compulsory values (the stage validates on completion)', async () => {
    const r = await post([
      caseEvent({ status: 'COMPLETED', dataValues: [{ dataElement: DE('RC_PDV_SEXE'), value: 'M' }] }),
    ])
    expect(codes(r.body)).toEqual(['E1303', 'E1303'])
  })
})

describe('import strategies, updates, deletes', () => {
  it('CREATE on an existing UID → E1030; UPDATE on a missing one → E1032', async () => {
    const event = caseEvent()
    expect((await post([event])).status).toBe(200)
    expect(codes((await post([event], { query: 'async=false&importStrategy=CREATE' })).body)).toEqual(['E1030'])
    expect(codes((await post([caseEvent()], { query: 'async=false&importStrategy=UPDATE' })).body)).toEqual(['E1032'])
  })

  it('an update merges data values (null removes one), stamps updatedAt, and completing sets completedAt/By', async () => {
    const event = caseEvent()
    await post([event], { as: 'relais' })
    const before = (await c.call('GET', `/api/tracker/events/${event.event}`)).body
    c.standin.ctx.clock.advance(60_000)
    const r = await post(
      [
        {
          ...event,
          status: 'COMPLETED',
          dataValues: [
            { dataElement: DE('RC_PDV_RESULTAT'), value: 'RETROUVE_REVENU' },
            { dataElement: DE('RC_PDV_DATE_RESULTAT'), value: '2026-10-10' },
            { dataElement: DE('RC_PDV_RDV_MANQUE'), value: null },
          ],
        },
      ],
      { as: 'relais' },
    )
    expect(r.status).toBe(200)
    expect(r.body.stats).toMatchObject({ created: 0, updated: 1 })
    const after = (await c.call('GET', `/api/tracker/events/${event.event}`)).body
    expect(after.status).toBe('COMPLETED')
    expect(after.completedBy).toBe('relais')
    expect(after.completedAt).toBe(after.updatedAt)
    expect(after.createdAt).toBe(before.createdAt)
    expect(after.updatedAt > before.updatedAt).toBe(true)
    const values = Object.fromEntries(
      after.dataValues.map((d: { dataElement: string; value: string }) => [d.dataElement, d.value]),
    )
    expect(values[DE('RC_PDV_PSEUDONYME')]).toBe('PDV-7F3K-2Q')
    expect(values[DE('RC_PDV_RESULTAT')]).toBe('RETROUVE_REVENU')
    expect(values[DE('RC_PDV_RDV_MANQUE')]).toBeUndefined()
    // E1083: an RC (no F_UNCOMPLETE_EVENT) may not reopen it; the superuser may.
    expect(codes((await post([{ ...event, status: 'ACTIVE', dataValues: [] }], { as: 'relais' })).body)).toEqual([
      'E1083',
    ])
    expect((await post([{ ...event, status: 'ACTIVE', dataValues: [] }])).status).toBe(200)
    // E1316: an event with values cannot go back to SCHEDULE.
    expect(
      codes((await post([{ ...event, status: 'SCHEDULE', scheduledAt: '2026-11-01', dataValues: [] }])).body),
    ).toEqual(['E1316'])
  })

  it('DELETE is a soft delete: hidden, includeDeleted shows it, and the UID cannot be used again (E1082)', async () => {
    const event = caseEvent()
    await post([event])
    const r = await post([{ event: event.event }], { query: 'async=false&importStrategy=DELETE' })
    expect(r.status).toBe(200)
    expect(r.body.stats).toMatchObject({ deleted: 1 })
    expect((await c.call('GET', `/api/tracker/events/${event.event}`)).status).toBe(404)
    const listed = await c.call('GET', `/api/tracker/events?events=${event.event}&includeDeleted=true`)
    expect(listed.body.events).toMatchObject([{ event: event.event, deleted: true }])
    expect(codes((await post([event])).body)).toEqual(['E1082'])
  })

  it("the client's own times (offline capture) are kept as sent; an offset is turned into server-local time", async () => {
    const event = caseEvent({ createdAtClient: '2026-10-08T07:15:00Z', updatedAtClient: '2026-10-08T08:00:00.000' })
    await post([event], { as: 'relais' })
    const got = (await c.call('GET', `/api/tracker/events/${event.event}`)).body
    expect([got.createdAtClient, got.updatedAtClient]).toEqual(['2026-10-08T08:15:00.000', '2026-10-08T08:00:00.000'])
  })

  it('importMode=VALIDATE stores nothing', async () => {
    const event = caseEvent()
    const r = await post([event], { query: 'async=false&importMode=VALIDATE' })
    expect(r.status).toBe(200)
    expect(r.body.stats.created).toBe(0)
    expect((await c.call('GET', `/api/tracker/events/${event.event}`)).status).toBe(404)
  })
})

describe('async (the default): a job, its notifications and its report', () => {
  it('answers "Tracker job added" with the job id and location; the report comes once it has ended', async () => {
    const event = caseEvent()
    const r = await post([event], { query: '' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ httpStatusCode: 200, status: 'OK', message: 'Tracker job added' })
    const { id, location } = r.body.response
    expect(location).toBe(`${c.url}/api/tracker/jobs/${id}`)
    let report: { status: number; body: any } = { status: 404, body: undefined } // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted below
    for (let i = 0; i < 50 && report.status === 404; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      report = await c.call('GET', `/api/tracker/jobs/${id}/report`)
    }
    expect(report.status).toBe(200)
    expect(report.body).toMatchObject({ status: 'OK', stats: { created: 1 } })
    const notes = await c.call('GET', `/api/tracker/jobs/${id}`)
    expect(notes.body[0]).toMatchObject({ completed: true })
    expect((await c.call('GET', '/api/tracker/jobs/NoSuchJob01/report')).status).toBe(404)
  })
})

describe('hostile or malformed requests: a clear 4xx, never a crash', () => {
  it.each([
    ['events not an array', { events: { a: 1 } }, 400],
    ['an event that is a string', { events: ['x'] }, 400],
    ['a status DHIS2 does not know', { events: [{ status: 'DONE' }] }, 400],
    ['a date that is not one', { events: [{ occurredAt: 'yesterday' }] }, 400],
    ['a value that is an object', { events: [{ dataValues: [{ dataElement: 'a', value: { x: 1 } }] }] }, 400],
    ['tracked entities (not played)', { trackedEntities: [{ trackedEntity: 'x' }] }, 400],
    ['a JSON array body', [1, 2], 400],
  ])('%s → %s', async (_name, body, status) => {
    const r = await c.call('POST', '/api/tracker?async=false', { body })
    expect(r.status).toBe(status)
    expect(r.body).toMatchObject({ httpStatusCode: status, status: 'ERROR' })
  })

  it('malformed JSON → 400; a non-JSON content type → 415; an unknown importStrategy → 400', async () => {
    expect((await c.call('POST', '/api/tracker?async=false', { body: '{"events": [' })).status).toBe(400)
    const xml = await c.call('POST', '/api/tracker', { body: '<x/>', headers: { 'Content-Type': 'application/xml' } })
    expect(xml.status).toBe(415)
    const r = await post([caseEvent()], { query: 'async=false&importStrategy=MERGE' })
    expect(r.status).toBe(400)
    expect(r.body.message).toContain('importStrategy')
  })

  it('a body over the limit → 413', async () => {
    const r = await c.call('POST', '/api/tracker?async=false', {
      body: { events: [], pad: 'x'.repeat(21 * 1024 * 1024) },
    })
    expect(r.status).toBe(413)
  })
})

describe('GET /api/tracker/events: scope, filters, paging (2.41 shape)', () => {
  let mine: string
  let other: string
  beforeAll(async () => {
    const a = caseEvent({
      dataValues: [
        { dataElement: DE('RC_PDV_PSEUDONYME'), value: 'PDV-FIND-ME' },
        { dataElement: DE('RC_PDV_SITE'), value: 'CS-1' },
      ],
    })
    const b = caseEvent({}, otherRc().id)
    await post([a, b])
    mine = a.event
    other = b.event
  })

  it('an RC sees only their own org unit (ACCESSIBLE by default)', async () => {
    const r = await c.call('GET', `/api/tracker/events?program=${PROGRAM}&paging=false`, { as: 'relais' })
    expect(r.status).toBe(200)
    const ids = r.body.events.map((e: { event: string }) => e.event)
    expect(ids).toContain(mine)
    expect(ids).not.toContain(other)
    expect(r.body.events.every((e: { orgUnit: string }) => e.orgUnit === rcOf('relais'))).toBe(true)
  })

  it('SELECTED outside the search scope → 403; unknown program → 400; no data read sharing → 403', async () => {
    const r = await c.call('GET', `/api/tracker/events?orgUnit=${otherRc().id}`, { as: 'relais' })
    expect(r.status).toBe(403)
    expect(r.body.message).toBe(`Organisation unit is not part of your search scope: ${otherRc().id}`)
    expect((await c.call('GET', '/api/tracker/events?program=NoProgram01')).status).toBe(400)
    await createUserWithoutApp(c)
    const denied = await c.call('GET', `/api/tracker/events?program=${PROGRAM}`, { as: 'sans.app' })
    expect(denied.status).toBe(403)
    expect(denied.body.message).toBe(`User has no access to program: ${PROGRAM}`)
  })

  it('orgUnitMode: SELECTED on a zone finds nothing, DESCENDANTS finds its RC events, CHILDREN only the children', async () => {
    const aire = c.standin.ctx.index.metadata.objects.organisationUnits.byId.get(rcOf('relais'))!.parent!.id
    const zone = c.standin.ctx.index.metadata.objects.organisationUnits.byId.get(aire)!.parent!.id
    const list = async (query: string) =>
      (await c.call('GET', `/api/tracker/events?paging=false&${query}`, { as: 'gestionnaire' })).body.events.map(
        (e: { event: string }) => e.event,
      )
    expect(await list(`orgUnit=${zone}`)).toEqual([])
    expect(await list(`orgUnit=${zone}&orgUnitMode=DESCENDANTS`)).toContain(mine)
    expect(await list(`orgUnit=${zone}&ouMode=CHILDREN`)).toEqual([])
    expect(await list(`orgUnit=${aire}&orgUnitMode=CHILDREN`)).toContain(mine)
    expect(await list(`orgUnitMode=CAPTURE`)).toEqual(expect.arrayContaining([mine, other]))
    const both = await c.call('GET', `/api/tracker/events?orgUnit=${zone}&ouMode=CHILDREN&orgUnitMode=CHILDREN`)
    expect(both.status).toBe(400)
    expect(both.body.message).toContain("Prefer 'orgUnitMode'")
  })

  it('filter on a data element, status, updatedAfter, fields with dataValues[…]', async () => {
    const r = await c.call(
      'GET',
      `/api/tracker/events?program=${PROGRAM}&filter=${DE('RC_PDV_PSEUDONYME')}:eq:pdv-find-me&fields=event,dataValues[dataElement,value]`,
    )
    expect(r.body.events).toEqual([
      {
        event: mine,
        dataValues: expect.arrayContaining([{ dataElement: DE('RC_PDV_PSEUDONYME'), value: 'PDV-FIND-ME' }]),
      },
    ])
    expect((await c.call('GET', `/api/tracker/events?status=COMPLETED&events=${mine}`)).body.events).toEqual([])
    const future = '2030-01-01T00:00:00'
    expect((await c.call('GET', `/api/tracker/events?updatedAfter=${future}`)).body.events).toEqual([])
    expect(
      (await c.call('GET', `/api/tracker/events?events=${mine}&updatedAfter=2026-01-01`)).body.events,
    ).toHaveLength(1)
    // An instant with an offset is converted to server-local time: updated at ≈11:0x in Porto-Novo = 10:0xZ.
    const since = (at: string) =>
      c.call('GET', `/api/tracker/events?events=${mine}&updatedAfter=${encodeURIComponent(at)}`)
    expect((await since('2026-10-10T09:30:00Z')).body.events).toHaveLength(1)
    expect((await since('2026-10-10T10:30:00Z')).body.events).toHaveLength(0)
    expect((await since('2026-10-10T12:30:00+02:00')).body.events).toHaveLength(0)
    expect((await since('2026-10-10T11:00:00+02:00')).body.events).toHaveLength(1)
    expect((await c.call('GET', '/api/tracker/events?updatedAfter=last-week')).status).toBe(400)
  })

  it('paging: pager{} plus the deprecated flat page/pageSize, total and pageCount with totalPages=true', async () => {
    const r = await c.call('GET', `/api/tracker/events?program=${PROGRAM}&pageSize=2&page=2&totalPages=true`)
    const total = c.standin.ctx.state.events!.all().filter((e) => !e.deleted).length
    expect(r.body).toMatchObject({
      pager: { page: 2, pageSize: 2, total, pageCount: Math.ceil(total / 2) },
      page: 2,
      pageSize: 2,
      total,
    })
    expect(r.body.events).toHaveLength(2)
    expect(r.body.instances).toBeUndefined()
    const plain = await c.call('GET', `/api/tracker/events?pageSize=1`)
    expect(plain.body.pager).toEqual({ page: 1, pageSize: 1 })
    // Default order: the newest event first (JdbcEventStore `eventid desc`).
    expect(plain.body.events[0].event).toBe(
      c.standin.ctx.state
        .events!.all()
        .filter((e) => !e.deleted)
        .at(-1)!.event,
    )
    expect((await c.call('GET', '/api/tracker/events?page=0')).status).toBe(400)
  })

  it('GET /api/tracker/events/{uid}: 404 E1005 when unknown, 403 with the reasons when out of reach', async () => {
    const missing = await c.call('GET', '/api/tracker/events/NoSuchEvt01')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ message: 'Event with id NoSuchEvt01 could not be found.', errorCode: 'E1005' })
    const theirs = await c.call('GET', `/api/tracker/events/${other}`, { as: 'relais' })
    expect(theirs.status).toBe(403)
    expect(theirs.body.message).toBe(`[User has no read access to organisation unit: ${otherRc().id}]`)
    expect((await c.call('GET', `/api/tracker/events/${mine}`, { as: 'relais' })).status).toBe(200)
  })

  it('2.41 renders followUp and the legacy followup, and no orgUnitName', async () => {
    const r = await c.call('GET', `/api/tracker/events/${mine}`)
    expect(r.body.followUp).toBe(false)
    expect(r.body.followup).toBe(false)
    expect(r.body.orgUnitName).toBeUndefined()
  })
})

describe('[Δ] the list shape of 2.40 and 2.42', () => {
  it('2.40: instances and the pager fields flat; orgUnitName and followup', async () => {
    const old = await startStandin({ seed: 'small', months: 0, version: '2.40.5' })
    try {
      const event = {
        ...caseEvent(),
        orgUnit: old.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id,
      }
      expect((await old.call('POST', '/api/tracker?async=false', { body: { events: [event] } })).status).toBe(200)
      const r = await old.call('GET', `/api/tracker/events?program=${PROGRAM}&totalPages=true`)
      expect(r.body).toMatchObject({ page: 1, pageSize: 50, total: 1, pageCount: 1 })
      expect(r.body.instances).toHaveLength(1)
      expect(r.body.events).toBeUndefined()
      expect(r.body.pager).toBeUndefined()
      expect(r.body.instances[0]).toMatchObject({ followup: false, orgUnitName: expect.any(String) })
      expect(r.body.instances[0].followUp).toBeUndefined()
      expect((await old.call('GET', `/api/tracker/events?paging=false`)).body).toEqual({
        instances: [expect.any(Object)],
      })
      // 2.40 knows `ouMode` only: `orgUnitMode` is ignored (SELECTED applies to the zone, which holds no event).
      const zone = old.standin.ctx.state.metadata.organisationUnits
        .find((o) => o.id === event.orgUnit)!
        .path.split('/')[3]!
      const inZone = (mode: string) => old.call('GET', `/api/tracker/events?orgUnit=${zone}&${mode}=DESCENDANTS`)
      expect((await inZone('orgUnitMode')).body.instances).toEqual([])
      expect((await inZone('ouMode')).body.instances).toHaveLength(1)
    } finally {
      await old.close()
    }
  })

  it('2.42: events with pager{} only, and its nextPage link', async () => {
    const next = await startStandin({ seed: 'small', months: 0, version: '2.42.1' })
    try {
      const ou = next.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
      const events = [caseEvent({}, ou), caseEvent({}, ou)]
      expect((await next.call('POST', '/api/tracker?async=false', { body: { events } })).status).toBe(200)
      const r = await next.call('GET', `/api/tracker/events?program=${PROGRAM}&pageSize=1`)
      expect(r.body.page).toBeUndefined()
      expect(r.body.pager).toMatchObject({ page: 1, pageSize: 1 })
      expect(r.body.pager.nextPage).toContain('page=2')
      expect(r.body.pager.prevPage).toBeUndefined()
      expect(r.body.events[0].followup).toBeUndefined()
    } finally {
      await next.close()
    }
  })
})

describe('the program in the metadata API, and its import', () => {
  it('GET /api/programs and /api/optionSets find the package objects by code, with their stage and options', async () => {
    const r = await c.call(
      'GET',
      '/api/programs?filter=code:eq:RC_PDV_RECHERCHE&fields=id,programType,organisationUnits~size,programStages[id,programStageDataElements[compulsory,dataElement[code]]]',
    )
    expect(r.status).toBe(200)
    const [program] = r.body.programs
    expect(program.id).toBe(PROGRAM)
    expect(program.programType).toBe('WITHOUT_REGISTRATION')
    expect(program.programStages[0].id).toBe(STAGE)
    expect(program.programStages[0].programStageDataElements[0]).toEqual({
      compulsory: true,
      dataElement: { code: 'RC_PDV_PSEUDONYME' },
    })
    const sets = await c.call('GET', '/api/optionSets?filter=code:eq:RC_PDV_RESULTATS&fields=code,options[code]')
    expect(sets.body.optionSets[0].options.map((o: { code: string }) => o.code)).toEqual([
      'RETROUVE_REVENU',
      'RETROUVE_REFUS',
      'DEMENAGE',
      'DECEDE',
      'NON_RETROUVE',
    ])
    const de = await c.call('GET', `/api/dataElements/${DE('RC_PDV_SEXE')}?fields=domainType,optionSet[id]`)
    expect(de.body).toEqual({ domainType: 'TRACKER', optionSet: { id: SEXES } })
  })

  it('POST /api/metadata: a program without programType → E4000; a stage with an unknown data element → E5002', async () => {
    const r = await c.call('POST', '/api/metadata', {
      body: {
        programs: [{ id: 'PrgNoType01', name: 'Sans type', shortName: 'Sans type' }],
        programStages: [
          {
            id: 'StgBadDE001',
            name: 'Étape',
            program: { id: PROGRAM },
            programStageDataElements: [{ dataElement: { id: 'NoSuchDE001' }, compulsory: false }],
          },
        ],
      },
    })
    expect(r.status).toBe(409)
    const errors = r.body.response.typeReports.flatMap(
      (t: { objectReports: Array<{ errorReports: Array<{ errorCode: string }> }> }) =>
        t.objectReports.flatMap((o) => o.errorReports.map((e) => e.errorCode)),
    )
    expect(errors.sort()).toEqual(['E4000', 'E5002'])
  })

  it('an event program imported through /api/metadata takes events at once (and its stage links back)', async () => {
    const ou = rcOf('relais')
    const r = await c.call('POST', '/api/metadata', {
      body: {
        programs: [
          {
            id: 'PrgImport01',
            name: 'Programme importé',
            shortName: 'Programme importé',
            programType: 'WITHOUT_REGISTRATION',
            organisationUnits: [{ id: ou }],
            sharing: { public: 'rwrw----' },
          },
        ],
        programStages: [
          {
            id: 'StgImport01',
            name: 'Étape importée',
            program: { id: 'PrgImport01' },
            programStageDataElements: [{ dataElement: { id: DE('RC_PDV_LOCALITE') }, compulsory: false }],
            sharing: { public: 'rwrw----' },
          },
        ],
      },
    })
    expect(r.status).toBe(200)
    const program = await c.call('GET', '/api/programs/PrgImport01?fields=programStages,categoryCombo')
    expect(program.body).toEqual({
      programStages: [{ id: 'StgImport01' }],
      categoryCombo: { id: uid('categoryCombo', 'default') },
    })
    const event = { event: newUid(), program: 'PrgImport01', orgUnit: ou, occurredAt: '2026-10-01', dataValues: [] }
    expect((await post([event], { as: 'relais' })).status).toBe(200)
    // E1089: a stage of another program.
    expect(codes((await post([{ ...event, event: newUid(), programStage: STAGE }])).body)).toEqual(['E1089'])
  })
})

describe('test endpoints and persistence', () => {
  it('POST|GET|DELETE /api/testing/tracker/events seed, list (deleted included) and clear events', async () => {
    const t = await startStandin({ seed: 'small', months: 0, testEndpoints: true })
    try {
      const ou = t.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
      const seeded = await t.call('POST', '/api/testing/tracker/events', {
        as: '',
        body: { events: [caseEvent({}, ou)] },
      })
      expect(seeded.status).toBe(200)
      expect(seeded.body.stats.created).toBe(1)
      const bad = await t.call('POST', '/api/testing/tracker/events', {
        as: '',
        body: { events: [caseEvent({ orgUnit: 'NoOrgUnit01' })] },
      })
      expect(bad.status).toBe(409)
      expect((await t.call('GET', '/api/testing/tracker/events', { as: '' })).body.events).toHaveLength(1)
      // Saved and loaded back with the state.
      const file = join(tmpdir(), `tracker-state-${process.pid}.json`)
      t.standin.save(file)
      expect(loadState(file).events!.all()).toHaveLength(1)
      await t.call('DELETE', '/api/testing/tracker/events', { as: '' })
      expect((await t.call('GET', '/api/testing/tracker/events', { as: '' })).body.events).toEqual([])
    } finally {
      await t.close()
    }
  })

  it('without --test-endpoints there is no such path', async () => {
    expect(
      await startStandin({ seed: 'blank' }).then(async (b) => {
        const r = await b.call('GET', '/api/testing/tracker/events')
        await b.close()
        return r.status
      }),
    ).toBe(404)
  })
})
