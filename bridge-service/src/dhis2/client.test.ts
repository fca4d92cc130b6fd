/**
 * The DHIS2 client against the DHIS2 stand-in, over real HTTP: imports (SUCCESS, 409 WARNING mapped to
 * the exact values, 409 ERROR, dry run), both kinds of credentials, the role and metadata look-ups, and
 * every fault the stand-in can inject, each classified.
 */
import { MetadataIndex } from '@relais/mappings'
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN, DEMO_PASSWORD } from '@relais/dhis2-standin'
import { Dhis2Client, type DataValue, type Dhis2ClientOptions, type Dhis2RequestEvent } from './client'
import { Dhis2Error } from './errors'
import { interpretImportSummary } from './import-summary'
import { pruneToDataSets } from './metadata'

let s: Standin
let client: Dhis2Client

const token = { kind: 'token', token: DEMO_BRIDGE_TOKEN } as const
const make = (options: Partial<Dhis2ClientOptions> = {}) => new Dhis2Client({ url: s.url, auth: token, ...options })

async function faults(config?: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${s.url}/api/testing/faults`, {
    method: config ? 'POST' : 'DELETE',
    headers: { 'Content-Type': 'application/json' },
    body: config ? JSON.stringify(config) : undefined,
  })
  if (!res.ok) throw new Error(`faults → ${res.status} ${await res.text()}`)
}

/** What the stand-in holds for a value of the default combos, read from its store. */
function stored(dataElementCode: string, period: string, orgUnitCode: string): string | undefined {
  const meta = s.ctx.index.metadata
  const coc = meta.defaultCategoryOptionComboId
  const de = meta.objects.dataElements.byCode.get(dataElementCode)
  const ou = meta.objects.organisationUnits.byCode.get(orgUnitCode)
  if (!de || !ou) throw new Error(`unknown ${dataElementCode} or ${orgUnitCode}`)
  const value = s.ctx.state.dataValues.get({
    dataElement: de.id,
    period,
    orgUnit: ou.id,
    categoryOptionCombo: coc,
    attributeOptionCombo: coc,
  })
  return value && !value.deleted ? (value.value ?? undefined) : undefined
}

/** The error a promise rejects with, asserted to be a Dhis2Error. */
async function failure(promise: Promise<unknown>): Promise<Dhis2Error> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(Dhis2Error)
    return error as Dhis2Error
  }
  throw new Error('expected a Dhis2Error, got a result')
}

/** A Dhis2Error must be plain data: no axios config, request or response (they carry our headers). */
function expectPlain(error: Dhis2Error, ...secrets: string[]): void {
  const json = JSON.stringify(error)
  for (const secret of secrets) {
    expect(error.message).not.toContain(secret)
    expect(json).not.toContain(secret)
    expect(String(error.stack)).not.toContain(secret)
  }
  expect(Object.keys(error).sort()).toEqual(
    ['dhis2Message', 'errorCode', 'kind', 'name', 'networkCode', 'reason', 'request', 'retryAfterMs', 'status'].sort(),
  )
  expect(json).not.toMatch(/authorization|ApiToken |Basic /i)
}

const RC = 'RC-AL-00001'
const RC2 = 'RC-AL-00002'

beforeAll(async () => {
  s = createStandin({ seed: 'small', now: '2026-10-03T09:00:00Z', testEndpoints: true })
  await s.listen()
  client = make()
})
afterEach(() => faults())
afterAll(() => s.close())

describe('postDataValueSets', () => {
  test('200 SUCCESS: every value accepted and stored', async () => {
    const values: DataValue[] = [
      { dataElement: 'RC_VAD', period: '202609', orgUnit: RC, value: '4242' },
      { dataElement: 'RC_CAUSERIES', period: '202609', orgUnit: RC, value: '17' },
    ]
    const summary = await client.postDataValueSets({ dataValues: values }, { idScheme: 'code' })
    expect(summary.status).toBe('SUCCESS')
    expect(summary.dryRun).toBe(false)
    const result = interpretImportSummary(values, summary)
    expect(result.values.map((v) => v.outcome)).toEqual(['accepted', 'accepted'])
    expect(result.totals.imported + result.totals.updated).toBe(2)
    expect(stored('RC_VAD', '202609', RC)).toBe('4242')
    expect(stored('RC_CAUSERIES', '202609', RC)).toBe('17')

    // The same values again: unchanged → ignored, still accepted (not an error).
    const again = interpretImportSummary(
      values,
      await client.postDataValueSets({ dataValues: values }, { idScheme: 'code' }),
    )
    expect(again.status).toBe('SUCCESS')
    expect(again.totals).toMatchObject({ accepted: 2, rejected: 0, ignored: 2 })
  })

  test('409 WARNING is returned, not thrown: the saved values are stored, the refused ones mapped to their index', async () => {
    const values: DataValue[] = [
      { dataElement: 'RC_VAD', period: '202608', orgUnit: RC, value: '31' },
      { dataElement: 'RC_CAUSERIES', period: '202608', orgUnit: RC, value: 'beaucoup' }, // E7619
      { dataElement: 'RC_PALU_TDR', period: '202608', orgUnit: RC, value: '12' },
      { dataElement: 'RC_PALU_TDR', period: '202612', orgUnit: RC, value: '5' }, // E7641: future period
      { dataElement: 'RC_CAUSERIES', period: '202608', orgUnit: RC2, value: '-3' }, // E7619 again
    ]
    const summary = await client.postDataValueSets({ dataValues: values }, { idScheme: 'code' })
    expect(summary.status).toBe('WARNING')
    const result = interpretImportSummary(values, summary)
    expect(result.values.map((v) => v.outcome)).toEqual(['accepted', 'rejected', 'accepted', 'rejected', 'rejected'])
    expect(result.values.map((v) => v.conflicts.map((c) => `${c.errorCode}/${c.property}`))).toEqual([
      [],
      ['E7619/value'],
      [],
      ['E7641/period'],
      ['E7619/value'],
    ])
    expect(result.values[1]?.conflicts[0]?.message).toContain('RC_CAUSERIES')
    expect(result.values[3]?.conflicts[0]?.message).toContain('202612')
    expect(result.totals).toMatchObject({ sent: 5, accepted: 2, rejected: 3 })
    expect(result.ambiguous).toBe(false)
    // Partly saved: the accepted values are in DHIS2, the refused ones are not.
    expect(stored('RC_VAD', '202608', RC)).toBe('31')
    expect(stored('RC_PALU_TDR', '202608', RC)).toBe('12')
    expect(stored('RC_PALU_TDR', '202612', RC)).toBeUndefined()
    expect(stored('RC_CAUSERIES', '202608', RC)).not.toBe('beaucoup')
  })

  test('409 WARNING E7617: an org unit outside the user’s hierarchy (Basic auth as an RC user)', async () => {
    const relais = s.ctx.index.usersByUsername.get('relais')!
    const own = s.ctx.index.metadata.objects.organisationUnits.byId.get(relais.organisationUnits[0]!.id)!.code!
    const other = own === RC ? RC2 : RC
    const rc = make({ auth: { kind: 'basic', username: 'relais', password: DEMO_PASSWORD } })
    const values: DataValue[] = [
      { dataElement: 'RC_VAD', period: '202609', orgUnit: other, value: '1' },
      { dataElement: 'RC_VAD', period: '202609', orgUnit: own, value: '9' },
    ]
    const result = interpretImportSummary(
      values,
      await rc.postDataValueSets({ dataValues: values }, { idScheme: 'code' }),
    )
    expect(result.status).toBe('WARNING')
    expect(result.values[0]).toMatchObject({
      outcome: 'rejected',
      conflicts: [{ errorCode: 'E7617', property: 'orgUnit' }],
    })
    expect(result.values[1]).toEqual({ index: 1, outcome: 'accepted', conflicts: [] })
    expect(stored('RC_VAD', '202609', own)).toBe('9')
  })

  test('409 ERROR (unknown data set) is returned: every value rejected with the data-set-level message', async () => {
    const values: DataValue[] = [
      { dataElement: 'RC_VAD', value: '1000' },
      { dataElement: 'RC_CAUSERIES', value: '1000' },
    ]
    const summary = await client.postDataValueSets(
      { dataSet: 'RC_INCONNU', period: '202607', orgUnit: RC, dataValues: values },
      { idScheme: 'code' },
    )
    expect(summary.status).toBe('ERROR')
    const result = interpretImportSummary(values, summary)
    expect(result.values.every((v) => v.outcome === 'rejected')).toBe(true)
    expect(result.values[1]?.conflicts).toEqual([
      { errorCode: 'E7600', property: 'dataSet', message: 'Data set not found or not accessible: `RC_INCONNU`' },
    ])
    expect(stored('RC_VAD', '202607', RC)).not.toBe('1000')
  })

  test('dryRun validates and counts but stores nothing', async () => {
    const before = stored('RC_VAD', '202606', RC)
    const values: DataValue[] = [
      { dataElement: 'RC_VAD', period: '202606', orgUnit: RC, value: '9876' },
      { dataElement: 'RC_VAD', period: '202606', orgUnit: 'RC-AL-00003', value: 'x' },
    ]
    const summary = await client.postDataValueSets({ dataValues: values }, { idScheme: 'code', dryRun: true })
    expect(summary.dryRun).toBe(true)
    expect(summary.status).toBe('WARNING')
    expect(summary.importCount.imported + summary.importCount.updated).toBe(1)
    expect(interpretImportSummary(values, summary).values.map((v) => v.outcome)).toEqual(['accepted', 'rejected'])
    expect(stored('RC_VAD', '202606', RC)).toBe(before)
  })

  test('importStrategy is passed on (CREATE on an existing value is rejected by index only)', async () => {
    const values: DataValue[] = [{ dataElement: 'RC_VAD', period: '202609', orgUnit: RC, value: '4243' }]
    await client.postDataValueSets({ dataValues: values }, { idScheme: 'code' })
    const summary = await client.postDataValueSets(
      { dataValues: values },
      { idScheme: 'code', importStrategy: 'CREATE' },
    )
    expect(summary.rejectedIndexes).toEqual([0])
    expect(interpretImportSummary(values, summary).values[0]?.outcome).toBe('rejected')
  })

  test('a transient failure is thrown, never taken for a summary', async () => {
    await faults({ errorRate: 1, paths: 'dataValueSets' })
    const error = await failure(client.postDataValueSets({ dataValues: [{ dataElement: 'RC_VAD', value: '1' }] }))
    expect(error).toMatchObject({ kind: 'transient', reason: 'http', request: 'POST /api/dataValueSets' })
    expect([500, 502, 503]).toContain(error.status)
  })
})

describe('authentication', () => {
  test('ApiToken: the bridge’s service account', async () => {
    const me = await client.getMe()
    expect(me.username).toBe('passerelle')
    expect(me.authorities).toEqual(expect.arrayContaining(['F_DATAVALUE_ADD', 'F_EDIT_EXPIRED', 'F_USER_VIEW']))
  })

  test('Basic: the same API as another user', async () => {
    const admin = make({ auth: { kind: 'basic', username: 'admin', password: 'district' } })
    const me = await admin.getMe()
    expect(me.username).toBe('admin')
    expect(me.authorities).toContain('ALL')
    expect(me.userGroups.map((g) => g.code)).toEqual(['RELAIS_ADMINS'])
  })

  test('401 for an unknown token: permanent, and the token appears nowhere in the error', async () => {
    const bad = 'd2pat_ThisTokenIsWrongAndSecretXXXXXXXXXXXXXX1234567890'
    const error = await failure(make({ auth: { kind: 'token', token: bad } }).getMe())
    expect(error).toMatchObject({ kind: 'permanent', reason: 'http', status: 401, request: 'GET /api/me' })
    expect(error.dhis2Message).toBe('The API token does not exists')
    expect(error.message).toBe('DHIS2 GET /api/me → 401 Unauthorized: The API token does not exists')
    expectPlain(error, bad, 'ThisTokenIsWrong')
  })

  test('401 for a wrong password: permanent, and the password (plain or Base64) appears nowhere', async () => {
    const password = 'Wrong-Secret-Password-123'
    const error = await failure(make({ auth: { kind: 'basic', username: 'admin', password } }).getMe())
    expect(error).toMatchObject({ kind: 'permanent', status: 401 })
    expectPlain(error, password, Buffer.from(`admin:${password}`).toString('base64'))
  })

  test('403 when the user lacks the authority', async () => {
    const rc = make({ auth: { kind: 'basic', username: 'relais', password: DEMO_PASSWORD } })
    const error = await failure(rc.getUserGroups('gestionnaire'))
    expect(error).toMatchObject({ kind: 'permanent', status: 403 })
  })
})

describe('getUserGroups (the API’s role look-up)', () => {
  test('a data manager: groups by code and the authorities of the roles', async () => {
    const user = await client.getUserGroups('gestionnaire')
    expect(user).toMatchObject({ username: 'gestionnaire', disabled: false })
    expect(user?.userGroups.map((g) => g.code)).toEqual(['RELAIS_GESTIONNAIRES'])
    expect(user?.authorities).toEqual(expect.arrayContaining(['F_DATAVALUE_ADD', 'M_relais']))
    expect(user?.authorities).toEqual([...(user?.authorities ?? [])].sort())
  })

  test('a supervisor: their org units, which scope what the bridge shows them', async () => {
    const user = await client.getUserGroups('superviseur.aire')
    expect(user?.orgUnits).toHaveLength(1)
    expect(user?.orgUnits[0]).toMatch(/^[A-Za-z][A-Za-z0-9]{10}$/)
  })

  test.each([
    ['admin', { disabled: false, groups: ['RELAIS_ADMINS'], authority: 'ALL' }],
    ['ancien.superviseur', { disabled: true, groups: ['RELAIS_SUPERVISEURS'], authority: 'F_DATAVALUE_ADD' }],
    ['passerelle', { disabled: false, groups: [], authority: 'F_EDIT_EXPIRED' }],
  ])('%s', async (username, expected) => {
    const user = await client.getUserGroups(username)
    expect(user?.disabled).toBe(expected.disabled)
    expect(user?.userGroups.map((g) => g.code)).toEqual(expected.groups)
    expect(user?.authorities).toContain(expected.authority)
  })

  test.each(['personne', 'a:b', 'x,y', '', 'a b'])('no such user: %j → undefined', async (username) => {
    expect(await client.getUserGroups(username)).toBeUndefined()
  })
})

describe('getMetadataSnapshot', () => {
  test('the objects the mappings engine needs for the data sets asked, and the codes DHIS2 lacks', async () => {
    const { snapshot, missingDataSetCodes } = await client.getMetadataSnapshot(['RC_MENSUEL', 'RC_INCONNU'])
    expect(missingDataSetCodes).toEqual(['RC_INCONNU'])
    expect(snapshot.dataSets.map((d) => d.code)).toEqual(['RC_MENSUEL'])
    const state = s.ctx.state.metadata
    const expected = pruneToDataSets({ ...state, dataSets: state.dataSets.filter((d) => d.code === 'RC_MENSUEL') })
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      expect({ key, ids: snapshot[key].map((o) => o.id).sort() }).toEqual({
        key,
        ids: expected[key].map((o) => o.id).sort(),
      })
    }
    // Field for field what the stand-in holds (the fields asked mirror the @relais/mappings types), sharing aside:
    // the bridge never asks for it, DHIS2 applies it when the bridge writes.
    const sortById = <T extends { id: string }>(list: T[]) =>
      [...list]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map(({ sharing: _sharing, ...rest }: T & { sharing?: unknown }) => rest)
    expect(sortById(snapshot.dataSets)).toEqual(sortById(expected.dataSets))
    expect(sortById(snapshot.dataElements)).toEqual(sortById(expected.dataElements))
    expect(sortById(snapshot.categoryOptionCombos)).toEqual(sortById(expected.categoryOptionCombos))
    expect(sortById(snapshot.sections)).toEqual(sortById(expected.sections))
    expect(snapshot.dataSets[0]).toMatchObject({ periodType: 'Monthly', expiryDays: 15, openFuturePeriods: 0 })
    const unit = snapshot.organisationUnits.find((o) => o.code === RC)!
    expect(unit).toMatchObject({ level: 5, parent: { id: expect.any(String) } })
    expect(unit.path.split('/')).toHaveLength(6)
    const index = new MetadataIndex(snapshot)
    expect(index.objects.dataElements.get('RC_VAD', 'CODE')?.valueType).toBe('INTEGER_ZERO_OR_POSITIVE')
  })

  test('refuses an empty list and codes that cannot be filtered on', async () => {
    await expect(client.getMetadataSnapshot([])).rejects.toThrow(RangeError)
    await expect(client.getMetadataSnapshot(['A,B'])).rejects.toThrow(RangeError)
  })
})

describe('ping and base URL', () => {
  test('ping answers with the round-trip time', async () => {
    expect((await client.ping()).latencyMs).toBeGreaterThanOrEqual(0)
  })

  test('a trailing slash is fine; a URL ending in /api is refused', async () => {
    expect((await make({ url: `${s.url}/` }).getMe()).username).toBe('passerelle')
    expect(make({ url: `${s.url}//` }).target).toBe(s.url)
    expect(() => make({ url: `${s.url}/api` })).toThrow(TypeError)
    expect(() => make({ url: `${s.url}/api/41/` })).toThrow(TypeError)
  })

  test('a context path is kept; a wrong one is a permanent 404', async () => {
    const wrong = make({ url: `${s.url}/dhis` })
    expect(wrong.target).toBe(`${s.url}/dhis`)
    const error = await failure(wrong.getMe())
    expect(error).toMatchObject({ kind: 'permanent', status: 404, request: 'GET /dhis/api/me' })
  })
})

describe('faults, classified', () => {
  test('errorRate 1 → a transient 5xx with DHIS2’s message', async () => {
    await faults({ errorRate: 1 })
    const error = await failure(client.getMe())
    expect(error.kind).toBe('transient')
    expect([500, 502, 503]).toContain(error.status)
    expect(error.dhis2Message).toBeDefined()
    expectPlain(error, DEMO_BRIDGE_TOKEN)
  })

  test('rateLimit → 429, transient, with Retry-After in ms', async () => {
    await faults({ rateLimit: { status: 429, retryAfterSeconds: 7 } })
    const error = await failure(client.postDataValueSets({ dataValues: [] }))
    expect(error).toMatchObject({ kind: 'transient', reason: 'http', status: 429, retryAfterMs: 7000 })
    expectPlain(error, DEMO_BRIDGE_TOKEN)
  })

  test('hang → the request times out (short timeout) → transient', async () => {
    await faults({ hang: true })
    const started = Date.now()
    const error = await failure(make({ timeoutMs: 300 }).getMe())
    expect(error).toMatchObject({ kind: 'transient', reason: 'timeout' })
    expect(error.message).toBe('DHIS2 GET /api/me: no answer within 300 ms')
    expect(Date.now() - started).toBeLessThan(3_000)
    // A per-request timeout overrides the client's.
    const perRequest = await failure(client.getMe({ timeoutMs: 200 }))
    expect(perRequest.reason).toBe('timeout')
    expectPlain(perRequest, DEMO_BRIDGE_TOKEN)
  })

  test('down → connection reset → transient network error', async () => {
    await faults({ down: true })
    const error = await failure(client.getMe())
    expect(error).toMatchObject({ kind: 'transient', reason: 'network' })
    expect(error.status).toBeUndefined()
    expect(error.networkCode).toBe('ECONNRESET')
    expectPlain(error, DEMO_BRIDGE_TOKEN)
  })

  test('nobody listening → connection refused → transient', async () => {
    const closed = createStandin({ seed: 'small' })
    await closed.listen()
    const url = closed.url
    await closed.close()
    const error = await failure(new Dhis2Client({ url, auth: token }).ping())
    expect(error).toMatchObject({ kind: 'transient', reason: 'network', networkCode: 'ECONNREFUSED' })
  })

  test('faults limited to some paths leave the others alone', async () => {
    await faults({ down: true, paths: 'dataValueSets' })
    expect((await client.getMe()).username).toBe('passerelle')
    expect((await failure(client.postDataValueSets({ dataValues: [] }))).reason).toBe('network')
  })

  test('a cancelled request is transient, reason aborted', async () => {
    await faults({ hang: true })
    const controller = new AbortController()
    const pending = failure(client.getMe({ signal: controller.signal }))
    setTimeout(() => controller.abort(), 50)
    const error = await pending
    expect(error).toMatchObject({ kind: 'transient', reason: 'aborted' })
  })
})

test('every request is reported, with its status or its error (for metrics)', async () => {
  const events: Dhis2RequestEvent[] = []
  const observed = make({ onRequest: (e) => events.push(e) })
  await observed.ping()
  await faults({ rateLimit: { status: 429, retryAfterSeconds: 1 } })
  await failure(observed.getMe())
  expect(events.map((e) => [e.request, e.status, e.error?.kind])).toEqual([
    ['GET /api/system/ping', 200, undefined],
    ['GET /api/me', 429, 'transient'],
  ])
  expect(events.every((e) => e.durationMs >= 0)).toBe(true)
  // An observer that throws does not break the request.
  await faults()
  const throwing = make({
    onRequest: () => {
      throw new Error('metrics down')
    },
  })
  expect((await throwing.getMe()).username).toBe('passerelle')
})
