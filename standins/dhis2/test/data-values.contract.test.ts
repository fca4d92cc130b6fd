/**
 * `POST /api/dataValueSets` against the real HTTP server, pinned to web-api §2 (2.41):
 * - every conflict code of the shared DATA_VALUE_RULES table with its exact `errorCode`, `object`,
 *   `objects`, `property`, message and `indexes` (the table is iterated: a new rule needs a row here);
 * - the envelope: 200 OK / 409 WARNING / 409 ERROR, `importOptions`, `rejectedIndexes`,
 *   `dataSetComplete`, and the bare ImportSummary with 200 under `/api/37/`;
 * - import semantics: upsert, ignored-unchanged, soft delete, revive, zero skipping, blank values,
 *   strategies, dryRun, CODE id schemes, partial commit on WARNING, async polling;
 * - expiry and future periods with the clock (September 2026 locked from 16 October 00:00 server time).
 * Where 2.40 and 2.41 differ the 2.41 behaviour is asserted (E7619/E7633/E7641 texts, the objects map
 * of E7641 with the data set, `rejectedIndexes` present since 2.39).
 */
import { DATA_VALUE_RULES } from '@relais/mappings'
import { DEMO_BRIDGE_TOKEN, uid } from '../src/seed'
import { startStandin, type Client } from './support'

let c: Client
beforeAll(async () => {
  c = await startStandin({ seed: 'small', now: '2026-10-10T10:00:00Z', testEndpoints: true })
})
afterAll(() => c.close())

const DS = uid('dataSet', 'RC_MENSUEL')
const DS_CIBLES = uid('dataSet', 'RC_CIBLES')
const DE = (code: string) => uid('dataElement', code)
const COC = (code: string) => uid('categoryOptionCombo', code)
const DEFAULT = COC('default')
const unit = (code: string) => c.standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!
const userId = (username: string) => c.standin.ctx.index.usersByUsername.get(username)!.id
/** The RC of the `relais` user, its aire, and an RC outside its hierarchy. */
const rc1 = () => c.standin.ctx.index.usersByUsername.get('relais')!.organisationUnits[0]!.id
const aire = () => c.standin.ctx.index.metadata.objects.organisationUnits.byId.get(rc1())!.parent!.id
const rcOther = () => unit('RC-AL-00001').id
const stored = (de: string, pe: string, ou: string, coc = DEFAULT) =>
  c.standin.ctx.state.dataValues.get({
    dataElement: DE(de),
    period: pe,
    orgUnit: ou,
    categoryOptionCombo: coc,
    attributeOptionCombo: DEFAULT,
  })

const post = (
  payload: unknown,
  { as = 'admin', query = '', prefix = '/api' }: { as?: string; query?: string; prefix?: string } = {},
) => c.call('POST', `${prefix}/dataValueSets${query ? `?${query}` : ''}`, { as, body: payload })

const setClock = (now: string) => c.call('POST', '/api/testing/clock', { as: '', body: { now } })

// ---------------------------------------------------------------------------------------------------
// Conflicts: one row per rule of the shared table
// ---------------------------------------------------------------------------------------------------

interface ConflictRow {
  code: string
  name: string
  as?: string
  query?: string
  payload: () => Record<string, unknown>
  /** The whole conflict entry as DHIS2 serialises it. */
  conflict: () => Record<string, unknown>
}

/** A payload of one value of RC_VAD in the relais user's RC for September (open for everyone on 10 October). */
const one =
  (dv: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  () => ({
    ...header,
    dataValues: [{ dataElement: DE('RC_VAD'), period: '202609', orgUnit: rc1(), value: '12', ...dv }],
  })

const CONFLICT_ROWS: ConflictRow[] = [
  {
    code: 'E7600',
    name: 'unknown data set in the payload',
    payload: one({}, { dataSet: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { dataSet: 'Xnope000000' },
      value: 'Data set not found or not accessible: `Xnope000000`',
      errorCode: 'E7600',
      property: 'dataSet',
    }),
  },
  {
    code: 'E7601',
    name: 'no data write sharing on the data set (a data manager outside the Relais groups)',
    as: 'controleur',
    payload: one({}, { dataSet: DS }),
    conflict: () => ({
      object: DS,
      objects: { dataSet: DS },
      value: `User does not have write access for DataSet: \`${DS}\``,
      errorCode: 'E7601',
      property: 'dataSet',
    }),
  },
  {
    code: 'E7602',
    name: 'strictDataElements without a data set',
    query: 'strictDataElements=true',
    payload: one({}),
    conflict: () => ({ objects: {}, value: 'A valid dataset is required', errorCode: 'E7602', property: 'dataSet' }),
  },
  {
    code: 'E7603',
    name: 'unknown payload org unit',
    payload: one({ orgUnit: undefined }, { dataSet: DS, orgUnit: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { organisationUnit: 'Xnope000000', dataSet: DS },
      value: 'Org unit not found or not accessible: `Xnope000000`',
      errorCode: 'E7603',
      property: 'orgUnit',
    }),
  },
  {
    code: 'E7604',
    name: 'unknown payload attribute option combo',
    payload: one({}, { dataSet: DS, attributeOptionCombo: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { categoryOptionCombo: 'Xnope000000', dataSet: DS },
      value: 'Attribute option combo not found or not accessible: `Xnope000000`',
      errorCode: 'E7604',
      property: 'attributeOptionCombo',
    }),
  },
  {
    code: 'E7610',
    name: 'unknown data element',
    payload: one({ dataElement: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { dataElement: 'Xnope000000' },
      value: 'Data element not found or not accessible: `Xnope000000`',
      errorCode: 'E7610',
      property: 'dataElement',
      indexes: [0],
    }),
  },
  {
    code: 'E7611',
    name: 'invalid period',
    payload: one({ period: '2026-13' }),
    conflict: () => ({
      object: '2026-13',
      objects: { period: '2026-13' },
      value: 'Period not valid: `2026-13`',
      errorCode: 'E7611',
      property: 'period',
      indexes: [0],
    }),
  },
  {
    code: 'E7612',
    name: 'unknown org unit',
    payload: one({ orgUnit: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { organisationUnit: 'Xnope000000' },
      value: 'Organisation unit not found or not accessible: `Xnope000000`',
      errorCode: 'E7612',
      property: 'orgUnit',
      indexes: [0],
    }),
  },
  {
    code: 'E7613',
    name: 'unknown category option combo',
    payload: one({ categoryOptionCombo: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { categoryOptionCombo: 'Xnope000000' },
      value: 'Category option combo not found or not accessible for writing data: `Xnope000000`',
      errorCode: 'E7613',
      property: 'categoryOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7614',
    name: "no data write sharing on the disaggregation's category option (no data set named)",
    as: 'controleur',
    payload: one({ dataElement: DE('RC_VIH_SENS'), categoryOptionCombo: COC('M') }),
    conflict: () => ({
      object: COC('M'),
      objects: { categoryOptionCombo: COC('M'), categoryOption: uid('categoryOption', 'M') },
      value: `Category option combo: \`${COC('M')}\` option not accessible: \`${uid('categoryOption', 'M')}\``,
      errorCode: 'E7614',
      property: 'categoryOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7615',
    name: 'unknown attribute option combo on the value',
    payload: one({ attributeOptionCombo: 'Xnope000000' }),
    conflict: () => ({
      object: 'Xnope000000',
      objects: { categoryOptionCombo: 'Xnope000000' },
      value: 'Attribute option combo not found or not accessible for writing data: `Xnope000000`',
      errorCode: 'E7615',
      property: 'attributeOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7617',
    name: "org unit outside the RC user's hierarchy",
    as: 'relais',
    payload: () => one({ orgUnit: rcOther() })(),
    conflict: () => ({
      object: rcOther(),
      objects: { organisationUnit: rcOther(), user: userId('relais') },
      value: `Organisation unit: \`${rcOther()}\` not in hierarchy of current user: \`${userId('relais')}\``,
      errorCode: 'E7617',
      property: 'orgUnit',
      indexes: [0],
    }),
  },
  {
    code: 'E7618',
    name: 'null value without comment',
    payload: one({ value: null }),
    conflict: () => ({
      object: DE('RC_VAD'),
      objects: { dataElement: DE('RC_VAD') },
      value: `Data value or comment not specified for data element: \`${DE('RC_VAD')}\``,
      errorCode: 'E7618',
      property: 'value',
      indexes: [0],
    }),
  },
  {
    code: 'E7619',
    name: 'negative value for INTEGER_ZERO_OR_POSITIVE (2.41 text with the i18n key)',
    payload: one({ value: '-3' }),
    conflict: () => ({
      object: DE('RC_VAD'),
      objects: { dataElement: DE('RC_VAD'), value: 'value_not_zero_or_positive_integer' },
      value: `Value must match value type of data element \`${DE('RC_VAD')}\`: \`value_not_zero_or_positive_integer\``,
      errorCode: 'E7619',
      property: 'value',
      indexes: [0],
    }),
  },
  {
    code: 'E7620',
    name: 'comment over 50,000 characters',
    payload: one({ comment: 'c'.repeat(50001) }),
    conflict: () => ({
      object: 'comment_length_greater_than_max_length',
      objects: { comment: 'comment_length_greater_than_max_length' },
      value: 'Invalid comment: comment_length_greater_than_max_length',
      errorCode: 'E7620',
      property: 'comment',
      indexes: [0],
    }),
  },
  {
    code: 'E7630',
    name: 'requireCategoryOptionCombo without one',
    query: 'requireCategoryOptionCombo=true',
    payload: one({}),
    conflict: () => ({
      objects: {},
      value: 'Category option combo is required but is not specified',
      errorCode: 'E7630',
      property: 'categoryOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7631',
    name: 'requireAttributeOptionCombo without one',
    query: 'requireAttributeOptionCombo=true',
    payload: one({ categoryOptionCombo: DEFAULT }),
    conflict: () => ({
      objects: {},
      value: 'Attribute option combo is required but is not specified',
      errorCode: 'E7631',
      property: 'attributeOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7632',
    name: 'weekly period for a monthly element (strictPeriods)',
    query: 'strictPeriods=true',
    payload: one({ period: '2026W36' }),
    conflict: () => ({
      object: '2026W36',
      objects: { period: '2026W36', dataElement: DE('RC_VAD') },
      value: `Period type of period: \`2026W36\` not valid for data element: \`${DE('RC_VAD')}\``,
      errorCode: 'E7632',
      indexes: [0],
    }),
  },
  {
    code: 'E7633',
    name: 'monthly element sent with the targets data set (strictDataElements; 2.41 "dataset(s)")',
    query: 'strictDataElements=true',
    payload: one({}, { dataSet: DS_CIBLES }),
    conflict: () => ({
      object: DE('RC_VAD'),
      objects: { dataElement: DE('RC_VAD'), dataSet: DS_CIBLES },
      value: `Data element: \`${DE('RC_VAD')}\` is not part of dataset(s): \`${DS_CIBLES}\``,
      errorCode: 'E7633',
      property: 'dataElement',
      indexes: [0],
    }),
  },
  {
    code: 'E7634',
    name: 'sex disaggregation on a default element (strictCategoryOptionCombos)',
    query: 'strictCategoryOptionCombos=true',
    payload: one({ categoryOptionCombo: COC('M') }),
    conflict: () => ({
      object: COC('M'),
      objects: { categoryOptionCombo: COC('M'), dataElement: DE('RC_VAD') },
      value: `Category option combo: \`${COC('M')}\` must be part of category combo of data element: \`${DE('RC_VAD')}\``,
      errorCode: 'E7634',
      property: 'categoryOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7635',
    name: 'disaggregation combo used as attribute (strictAttributeOptionCombos)',
    query: 'strictAttributeOptionCombos=true',
    payload: one({ attributeOptionCombo: COC('F') }),
    conflict: () => ({
      object: COC('F'),
      objects: { categoryOptionCombo: COC('F'), dataElement: DE('RC_VAD') },
      value: `Attribute option combo: \`${COC('F')}\` must be part of category combo of data sets of data element: \`${DE('RC_VAD')}\``,
      errorCode: 'E7635',
      property: 'attributeOptionCombo',
      indexes: [0],
    }),
  },
  {
    code: 'E7636',
    name: 'aire org unit has no data set (strictOrganisationUnits)',
    query: 'strictOrganisationUnits=true',
    payload: () => one({ orgUnit: aire() })(),
    conflict: () => ({
      object: aire(),
      objects: { organisationUnit: aire(), dataElement: DE('RC_VAD') },
      value: `Data element: \`${DE('RC_VAD')}\` must be assigned through data sets to organisation unit: \`${aire()}\``,
      errorCode: 'E7636',
      property: 'orgUnit',
      indexes: [0],
    }),
  },
  {
    code: 'E7637',
    name: 'storedBy over 255 characters',
    payload: one({ storedBy: 's'.repeat(256) }),
    conflict: () => ({
      object: 'stored_by_length_greater_than_max_length',
      objects: { storedBy: 'stored_by_length_greater_than_max_length' },
      value: 'Invalid storedBy: stored_by_length_greater_than_max_length',
      errorCode: 'E7637',
      property: 'storedBy',
      indexes: [0],
    }),
  },
  {
    code: 'E7640',
    name: 'August is past expiry for the RC user',
    as: 'relais',
    payload: one({ period: '202608' }),
    conflict: () => ({
      object: '202608',
      objects: { period: '202608', dataSet: DS },
      value: `Current date is past expiry days for period: \`202608\`  and data set: \`${DS}\``,
      errorCode: 'E7640',
      property: 'period',
      indexes: [0],
    }),
  },
  {
    code: 'E7641',
    name: 'current month with openFuturePeriods 0, even for F_EDIT_EXPIRED (2.41 text and objects)',
    as: 'passerelle',
    payload: one({ period: '202610' }),
    conflict: () => ({
      object: '202610',
      objects: { period: '202610', dataElement: DE('RC_VAD'), dataSet: DS },
      value: `Period: \`202610\` is after latest open future period: \`202609\` for data element: \`${DE('RC_VAD')}\` and data set: \`${DS}\``,
      errorCode: 'E7641',
      property: 'period',
      indexes: [0],
    }),
  },
]

/** Rules the programme's metadata cannot trigger over HTTP, with the reason. */
const NOT_REACHABLE_OVER_HTTP: Record<string, string> = {
  E7616: 'the only attribute option combo is default, whose option everyone may write (unit-tested in mappings)',
  E7638: 'the only attribute option combo is default: no option start/end dates (unit-tested in mappings)',
  E7639: 'the only attribute option combo is default: no option org units (unit-tested in mappings)',
}

describe('conflict codes (shared DATA_VALUE_RULES table)', () => {
  it('every rule has a row here or a stated reason why HTTP cannot reach it', () => {
    const covered = new Set([...CONFLICT_ROWS.map((r) => r.code), ...Object.keys(NOT_REACHABLE_OVER_HTTP)])
    expect(DATA_VALUE_RULES.map((r) => r.code).filter((code) => !covered.has(code))).toEqual([])
  })

  it.each(CONFLICT_ROWS)('$code: $name', async (row) => {
    const rule = DATA_VALUE_RULES.find((r) => r.code === row.code)!
    const { status, body } = await post(row.payload(), { as: row.as, query: row.query })
    expect(status).toBe(409)
    const aborted = rule.level === 'dataSet'
    expect(body).toMatchObject({
      httpStatus: 'Conflict',
      httpStatusCode: 409,
      status: aborted ? 'ERROR' : 'WARNING',
      message: aborted
        ? 'An error occurred, please check import summary.'
        : 'One more conflicts encountered, please check import summary.',
    })
    const summary = body.response
    expect(summary.responseType).toBe('ImportSummary')
    expect(summary.status).toBe(aborted ? 'ERROR' : 'WARNING')
    expect(summary.description).toBe(aborted ? 'Import process was aborted' : 'Import process completed successfully')
    expect(summary.conflicts).toEqual([row.conflict()])
    if (aborted) {
      expect(summary.importCount).toEqual({ imported: 0, updated: 0, ignored: 0, deleted: 0 })
      expect(summary).not.toHaveProperty('rejectedIndexes')
      expect(summary).not.toHaveProperty('dataSetComplete')
    } else {
      expect(summary.importCount).toEqual({ imported: 0, updated: 0, ignored: 1, deleted: 0 })
      expect(summary.rejectedIndexes).toEqual([0])
      expect(summary.dataSetComplete).toBe('false')
    }
  })
})

// ---------------------------------------------------------------------------------------------------
// Envelope
// ---------------------------------------------------------------------------------------------------

describe('envelope and versions', () => {
  it('200 OK with the full importOptions and no conflicts/rejectedIndexes keys', async () => {
    const { status, body } = await post({
      dataValues: [{ dataElement: DE('RC_VAD'), period: '202501', orgUnit: rc1(), value: '3' }],
    })
    expect(status).toBe(200)
    expect(body).toEqual({
      httpStatus: 'OK',
      httpStatusCode: 200,
      status: 'OK',
      message: 'Import was successful.',
      response: {
        status: 'SUCCESS',
        importOptions: {
          idSchemes: {},
          dryRun: false,
          async: false,
          importStrategy: 'CREATE_AND_UPDATE',
          mergeMode: 'REPLACE',
          reportMode: 'FULL',
          skipExistingCheck: false,
          sharing: false,
          skipNotifications: false,
          skipAudit: false,
          datasetAllowsPeriods: false,
          strictPeriods: false,
          strictDataElements: false,
          strictCategoryOptionCombos: false,
          strictAttributeOptionCombos: false,
          strictOrganisationUnits: false,
          strictDataSetApproval: false,
          strictDataSetLocking: false,
          strictDataSetInputPeriods: false,
          requireCategoryOptionCombo: false,
          requireAttributeOptionCombo: false,
          skipPatternValidation: false,
          ignoreEmptyCollection: false,
          force: false,
          firstRowIsHeader: true,
          skipLastUpdated: false,
          mergeDataValues: false,
          skipCache: false,
        },
        description: 'Import process completed successfully',
        importCount: { imported: 1, updated: 0, ignored: 0, deleted: 0 },
        dataSetComplete: 'false',
        responseType: 'ImportSummary',
      },
    })
  })

  it.each([
    { name: 'WARNING', payload: one({ value: 'abc' }), status: 'WARNING' },
    { name: 'ERROR', payload: one({}, { dataSet: 'Xnope000000' }), status: 'ERROR' },
  ])(
    '/api/37/: bare ImportSummary with HTTP 200 even on $name (pre-2.38 plain response)',
    async ({ payload, status }) => {
      const r = await post(payload(), { prefix: '/api/37' })
      expect(r.status).toBe(200)
      expect(r.body).not.toHaveProperty('httpStatus')
      expect(r.body).toMatchObject({ responseType: 'ImportSummary', status })
    },
  )

  it('/api/38/ and /api/41/ wrap the summary (409 on conflicts)', async () => {
    for (const prefix of ['/api/38', '/api/41']) {
      const r = await post(one({ value: 'abc' })(), { prefix })
      expect(r.status).toBe(409)
      expect(r.body).toMatchObject({ httpStatusCode: 409, status: 'WARNING', response: { status: 'WARNING' } })
    }
  })

  it.each([
    ['application/xml', '<dataValueSet/>'],
    ['application/csv', 'dataelement,period\n'],
    ['application/adx+xml', '<adx/>'],
    ['text/plain', '{}'],
  ])('415 for %s (JSON only)', async (type, text) => {
    const r = await c.call('POST', '/api/dataValueSets', { body: text, headers: { 'Content-Type': type } })
    expect(r.status).toBe(415)
    expect(r.body).toEqual({
      httpStatus: 'Unsupported Media Type',
      httpStatusCode: 415,
      status: 'ERROR',
      message: `Content type '${type}' not supported`,
    })
  })

  it('403 without F_DATAVALUE_ADD (administrateur holds no data authority)', async () => {
    const r = await post(one({})(), { as: 'administrateur' })
    expect(r.status).toBe(403)
    expect(r.body).toMatchObject({ httpStatusCode: 403, status: 'ERROR' })
  })

  it('the bridge token (ApiToken) may import', async () => {
    const r = await c.call('POST', '/api/dataValueSets', {
      as: '',
      headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}` },
      body: { dataValues: [{ dataElement: DE('RC_CAUSERIES'), period: '202502', orgUnit: rc1(), value: '2' }] },
    })
    expect(r.status).toBe(200)
    expect(stored('RC_CAUSERIES', '202502', rc1())?.storedBy).toBe('passerelle')
  })

  it('400 for malformed JSON', async () => {
    const r = await c.call('POST', '/api/dataValueSets', { body: '{"dataValues": [' })
    expect(r.status).toBe(400)
  })
})

// ---------------------------------------------------------------------------------------------------
// Import semantics (web-api §2.5), on months no seed report touches (2025-01…2025-09)
// ---------------------------------------------------------------------------------------------------

interface SemanticsRow {
  name: string
  query?: string
  as?: string
  /** Values sent, on RC_PALU_MILDA of the relais RC in the row's own period unless overridden. */
  values: Record<string, unknown>[]
  header?: Record<string, unknown>
  status: number
  count: { imported?: number; updated?: number; ignored?: number; deleted?: number }
  rejected?: number[]
  /** What the row leaves stored (undefined = no row). */
  after?: { value?: string; deleted?: boolean; comment?: string; followup?: boolean } | null
}

/** Each sequence runs in its own period so that rows build on each other only within a sequence. */
const SEQUENCES: { period: string; rows: SemanticsRow[] }[] = [
  {
    period: '202503',
    rows: [
      {
        name: 'create',
        values: [{ value: '40' }],
        status: 200,
        count: { imported: 1 },
        after: { value: '40', deleted: false },
      },
      {
        name: 'same value, comment and followup → ignored, not rejected',
        values: [{ value: '40' }],
        status: 200,
        count: { ignored: 1 },
        after: { value: '40' },
      },
      {
        name: 'changed value → updated',
        values: [{ value: '41' }],
        status: 200,
        count: { updated: 1 },
        after: { value: '41' },
      },
      {
        name: 'comment only changes → updated',
        values: [{ value: '41', comment: 'vu au marché' }],
        status: 200,
        count: { updated: 1 },
        after: { value: '41', comment: 'vu au marché' },
      },
      {
        name: 'followup changes → updated',
        values: [{ value: '41', comment: 'vu au marché', followup: 'true' }],
        status: 200,
        count: { updated: 1 },
        after: { followup: true },
      },
      {
        name: 'CREATE on an existing value → ignored and rejected',
        query: 'importStrategy=CREATE',
        values: [{ value: '42' }],
        status: 200,
        count: { ignored: 1 },
        rejected: [0],
        after: { value: '41' },
      },
      {
        name: 'blank value and blank comment → soft delete',
        values: [{ value: '', comment: '' }],
        status: 200,
        count: { deleted: 1 },
        after: { deleted: true },
      },
      {
        name: 'blank value on a deleted row (create path) → ignored',
        values: [{ value: '' }],
        status: 200,
        count: { ignored: 1 },
        after: { deleted: true },
      },
      {
        name: 'a new value revives the soft-deleted row → imported',
        values: [{ value: '43' }],
        status: 200,
        count: { imported: 1 },
        after: { value: '43', deleted: false },
      },
      {
        name: 'insignificant zero on an existing value → deleted',
        values: [{ value: '0' }],
        status: 200,
        count: { deleted: 1 },
        after: { deleted: true },
      },
      {
        name: 'insignificant zero on a deleted row → skipped, not counted',
        values: [{ value: '0' }],
        status: 200,
        count: {},
        after: { deleted: true },
      },
    ],
  },
  {
    period: '202504',
    rows: [
      {
        name: 'insignificant zero on create → skipped and not counted at all',
        values: [{ value: '0' }],
        status: 200,
        count: {},
        after: null,
      },
      {
        name: 'blank value on create → ignored, no row',
        values: [{ value: '' }],
        status: 200,
        count: { ignored: 1 },
        after: null,
      },
      {
        name: 'UPDATE strategy on a missing value → ignored and rejected',
        query: 'importStrategy=UPDATE',
        values: [{ value: '5' }],
        status: 200,
        count: { ignored: 1 },
        rejected: [0],
        after: null,
      },
      {
        name: 'DELETE strategy on a missing value → ignored and rejected',
        query: 'importStrategy=DELETE',
        values: [{ value: '5' }],
        status: 200,
        count: { ignored: 1 },
        rejected: [0],
        after: null,
      },
      {
        name: 'dryRun counts the create and stores nothing',
        query: 'dryRun=true',
        values: [{ value: '5' }],
        status: 200,
        count: { imported: 1 },
        after: null,
      },
      {
        name: 'payload dryRun overrides the query',
        query: 'dryRun=false',
        header: { dryRun: true },
        values: [{ value: '5' }],
        status: 200,
        count: { imported: 1 },
        after: null,
      },
      {
        name: 'comment without value creates a row',
        values: [{ comment: 'rupture de stock' }],
        status: 200,
        count: { imported: 1 },
        after: { value: '', comment: 'rupture de stock' },
      },
      {
        name: 'a value added to the comment-only row → updated',
        values: [{ value: '6', comment: 'rupture de stock' }],
        status: 200,
        count: { updated: 1 },
        after: { value: '6' },
      },
      {
        name: 'DELETE strategy (query) → soft delete',
        query: 'importStrategy=DELETE',
        values: [{ value: '6' }],
        status: 200,
        count: { deleted: 1 },
        after: { deleted: true, value: '6' },
      },
      {
        name: 'revive',
        values: [{ value: '7' }],
        status: 200,
        count: { imported: 1 },
        after: { value: '7', deleted: false },
      },
      {
        name: 'payload strategy DELETE overrides the query',
        query: 'importStrategy=CREATE_AND_UPDATE',
        header: { strategy: 'DELETE' },
        values: [{ value: '7' }],
        status: 200,
        count: { deleted: 1 },
        after: { deleted: true },
      },
      {
        name: 'revive again',
        values: [{ value: '8' }],
        status: 200,
        count: { imported: 1 },
        after: { value: '8', deleted: false },
      },
      {
        name: 'deleted: true on an existing value → soft delete',
        values: [{ value: '8', deleted: true }],
        status: 200,
        count: { deleted: 1 },
        after: { deleted: true },
      },
    ],
  },
]

describe.each(SEQUENCES)('import semantics in $period', ({ period, rows }) => {
  it.each(rows)('$name', async (row) => {
    const dataValues = row.values.map((v) => ({ dataElement: DE('RC_PALU_MILDA'), period, orgUnit: rc1(), ...v }))
    const { status, body } = await post({ ...row.header, dataValues }, { as: row.as, query: row.query })
    expect(status).toBe(row.status)
    const summary = body.response
    expect(summary.importCount).toEqual({ imported: 0, updated: 0, ignored: 0, deleted: 0, ...row.count })
    if (row.rejected) expect(summary.rejectedIndexes).toEqual(row.rejected)
    else expect(summary).not.toHaveProperty('rejectedIndexes')
    const value = stored('RC_PALU_MILDA', period, rc1())
    if (row.after === null) expect(value).toBeUndefined()
    else expect(value).toMatchObject(row.after ?? {})
  })
})

describe('writes', () => {
  it('storedBy is the username, created/lastUpdated the server-local clock; an update keeps created', async () => {
    await post(
      {
        dataValues: [
          { dataElement: DE('RC_VAD'), period: '202505', orgUnit: rc1(), value: '9', storedBy: 'quelqu’un' },
        ],
      },
      { as: 'passerelle' },
    )
    const first = stored('RC_VAD', '202505', rc1())!
    expect(first.storedBy).toBe('passerelle')
    expect(first.created).toMatch(/^2026-10-10T11:\d{2}:\d{2}\.\d{3}$/) // 10:00Z is 11:00 in Porto-Novo
    await setClock('2026-10-11T08:00:00Z')
    await post({ dataValues: [{ dataElement: DE('RC_VAD'), period: '202505', orgUnit: rc1(), value: '10' }] })
    const second = stored('RC_VAD', '202505', rc1())!
    expect(second).toMatchObject({ value: '10', storedBy: 'admin', created: first.created })
    expect(second.lastUpdated).toMatch(/^2026-10-11T09:00:/)
    await setClock('2026-10-10T10:00:00Z')
  })

  it('WARNING commits the valid values (partial commit) and groups identical conflicts with their indexes', async () => {
    const values = [
      { dataElement: DE('RC_VAD'), period: '202506', orgUnit: rc1(), value: '21' },
      { dataElement: 'Xnope000000', period: '202506', orgUnit: rc1(), value: '1' },
      { dataElement: DE('RC_CAUSERIES'), period: '202506', orgUnit: rc1(), value: 'x' },
      { dataElement: 'Xnope000000', period: '202506', orgUnit: rc1(), value: '2' },
      {
        dataElement: DE('RC_VIH_SENS'),
        categoryOptionCombo: COC('F_A_15_24'),
        period: '202506',
        orgUnit: rc1(),
        value: '4',
      },
    ]
    const { status, body } = await post({ dataValues: values })
    expect(status).toBe(409)
    expect(body.status).toBe('WARNING')
    expect(body.response.importCount).toEqual({ imported: 2, updated: 0, ignored: 3, deleted: 0 })
    expect(body.response.rejectedIndexes).toEqual([1, 2, 3])
    expect(
      body.response.conflicts.map((x: { errorCode: string; indexes: number[] }) => [x.errorCode, x.indexes]),
    ).toEqual([
      ['E7610', [1, 3]],
      ['E7619', [2]],
    ])
    expect(stored('RC_VAD', '202506', rc1())?.value).toBe('21')
    expect(stored('RC_VIH_SENS', '202506', rc1(), COC('F_A_15_24'))?.value).toBe('4')
  })

  it('payload-level period/orgUnit/dataSet apply to every value; booleans are normalised', async () => {
    const { status, body } = await post({
      dataSet: DS,
      period: '202507',
      orgUnit: rc1(),
      dataValues: [
        { dataElement: DE('RC_RUPTURE'), value: 'T' },
        { dataElement: DE('RC_DIFFICULTES'), value: '  Pluies  ' },
      ],
    })
    expect(status).toBe(200)
    expect(body.response.importCount.imported).toBe(2)
    expect(stored('RC_RUPTURE', '202507', rc1())?.value).toBe('true')
    expect(stored('RC_DIFFICULTES', '202507', rc1())?.value).toBe('Pluies')
  })

  it('CODE id schemes: query idScheme, and a payload scheme overriding the query', async () => {
    const code = unit('RC-AL-00001').code!
    let r = await post(
      {
        dataValues: [
          {
            dataElement: 'RC_VAD',
            period: '202508',
            orgUnit: code,
            categoryOptionCombo: 'default',
            attributeOptionCombo: 'default',
            value: '15',
          },
        ],
      },
      { query: 'idScheme=CODE' },
    )
    expect(r.status).toBe(200)
    expect(r.body.response.importOptions.idSchemes).toEqual({ idScheme: { type: 'CODE' } })
    expect(stored('RC_VAD', '202508', rcOther())?.value).toBe('15')
    r = await post(
      {
        dataElementIdScheme: 'CODE',
        orgUnitIdScheme: 'UID',
        dataValues: [
          {
            dataElement: 'RC_VIH_SENS',
            categoryOptionCombo: 'M_A_25PLUS',
            period: '202508',
            orgUnit: rcOther(),
            value: '6',
          },
        ],
      },
      { query: 'dataElementIdScheme=UID&orgUnitIdScheme=CODE&categoryOptionComboIdScheme=CODE' },
    )
    expect(r.status).toBe(200)
    expect(stored('RC_VIH_SENS', '202508', rcOther(), COC('M_A_25PLUS'))?.value).toBe('6')
    // A UID under the CODE scheme is unknown.
    r = await post(
      { dataValues: [{ dataElement: DE('RC_VAD'), period: '202508', orgUnit: code, value: '1' }] },
      { query: 'idScheme=CODE' },
    )
    expect(r.body.response.conflicts[0]).toMatchObject({ errorCode: 'E7610', object: DE('RC_VAD') })
  })

  it('canonical period ids: 2025-09 is stored as 202509', async () => {
    await post({ dataValues: [{ dataElement: DE('RC_VAD'), period: '2025-09', orgUnit: rc1(), value: '2' }] })
    expect(stored('RC_VAD', '202509', rc1())?.value).toBe('2')
  })
})

// ---------------------------------------------------------------------------------------------------
// Async
// ---------------------------------------------------------------------------------------------------

describe('async=true (web-api §2.8, 2.41 message)', () => {
  it('answers with the job, then the summary is polled without a wrapper', async () => {
    const r = await post(
      {
        dataValues: [
          { dataElement: DE('RC_VAD'), period: '202502', orgUnit: rc1(), value: '31' },
          { dataElement: 'Xnope000000', period: '202502', orgUnit: rc1(), value: '1' },
        ],
      },
      { query: 'async=true' },
    )
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      httpStatus: 'OK',
      httpStatusCode: 200,
      status: 'OK',
      response: { jobType: 'DATAVALUE_IMPORT', name: 'dataValueImport' },
    })
    expect(r.body.message).toMatch(/^Initiated DATAVALUE_IMPORT/)
    const id = r.body.response.id as string
    expect(r.body.response.relativeNotifierEndpoint).toBe(`/api/system/tasks/DATAVALUE_IMPORT/${id}`)
    let notifications: { completed: boolean; message: string }[] = []
    for (let i = 0; i < 50 && !notifications[0]?.completed; i++) {
      notifications = (await c.call('GET', `/api/system/tasks/DATAVALUE_IMPORT/${id}`)).body
      if (!notifications[0]?.completed) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(notifications[0]).toMatchObject({ completed: true, message: 'Import done', level: 'INFO' })
    const summary = (await c.call('GET', `/api/system/taskSummaries/DATAVALUE_IMPORT/${id}`)).body
    expect(summary).toMatchObject({
      responseType: 'ImportSummary',
      status: 'WARNING',
      importCount: { imported: 1, updated: 0, ignored: 1, deleted: 0 },
      rejectedIndexes: [1],
    })
    expect(summary).not.toHaveProperty('httpStatus')
    expect(stored('RC_VAD', '202502', rc1())?.value).toBe('31')
  })
})

// ---------------------------------------------------------------------------------------------------
// Expiry and future periods with the clock
// ---------------------------------------------------------------------------------------------------

describe('expiry (RC_MENSUEL expiryDays 15) and future periods (openFuturePeriods 0)', () => {
  afterEach(() => setClock('2026-10-10T10:00:00Z'))
  const september = (value: string) => ({
    dataValues: [{ dataElement: DE('RC_CAUSERIES'), period: '202609', orgUnit: rc1(), value }],
  })

  it.each([
    {
      name: 'relais on 15 October 23:59:59 server time: still open',
      clock: '2026-10-15T22:59:59Z',
      as: 'relais',
      error: undefined,
    },
    {
      name: 'relais on 16 October 00:00 server time: locked (E7640)',
      clock: '2026-10-15T23:00:00Z',
      as: 'relais',
      error: 'E7640',
    },
    { name: 'superviseur on 20 October: locked', clock: '2026-10-20T09:00:00Z', as: 'superviseur', error: 'E7640' },
    {
      name: 'passerelle (F_EDIT_EXPIRED) on 16 October: passes',
      clock: '2026-10-15T23:00:00Z',
      as: 'passerelle',
      error: undefined,
    },
    { name: 'admin (ALL) on 1 December: passes', clock: '2026-12-01T09:00:00Z', as: 'admin', error: undefined },
  ])('$name', async ({ clock, as, error }) => {
    await setClock(clock)
    const r = await post(september(String(Math.floor(Math.random() * 1000) + 1)), { as })
    if (error) {
      expect(r.status).toBe(409)
      expect(r.body.response.conflicts[0].errorCode).toBe(error)
    } else {
      expect(r.status).toBe(200)
    }
  })

  it.each([
    { name: 'passerelle, current month → E7641', as: 'passerelle', query: '', period: '202610', error: 'E7641' },
    {
      name: 'passerelle with force=true (not a superuser) → still E7641',
      as: 'passerelle',
      query: 'force=true',
      period: '202610',
      error: 'E7641',
    },
    { name: 'admin without force → E7641', as: 'admin', query: '', period: '202610', error: 'E7641' },
    { name: 'admin with force=true → accepted', as: 'admin', query: 'force=true', period: '202610', error: undefined },
    {
      name: 'targets: next year with openFuturePeriods 1 → E7641',
      as: 'admin',
      query: '',
      period: '2027',
      error: 'E7641',
      de: 'RC_CIBLE_VAD',
    },
    {
      name: 'targets: this year is open',
      as: 'superviseur',
      query: '',
      period: '2026',
      error: undefined,
      de: 'RC_CIBLE_VAD',
    },
  ])('$name', async ({ as, query, period, error, de }) => {
    const r = await post(
      { dataValues: [{ dataElement: DE(de ?? 'RC_CAUSERIES'), period, orgUnit: rc1(), value: '240' }] },
      { as, query },
    )
    if (error) {
      expect(r.status).toBe(409)
      expect(r.body.response.conflicts[0].errorCode).toBe(error)
    } else {
      expect(r.status).toBe(200)
    }
  })
})
