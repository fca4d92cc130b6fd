import {
  interpretImportSummary,
  readImportSummary,
  recordOutcomes,
  REJECTED_WITHOUT_CONFLICT,
  toValueConflict,
  type ImportSummary,
  type ValueOutcome,
} from './import-summary'

const count = (imported = 0, updated = 0, ignored = 0, deleted = 0) => ({ imported, updated, ignored, deleted })
const summary = (s: Partial<ImportSummary> & Pick<ImportSummary, 'status'>): ImportSummary => ({
  importCount: count(),
  conflicts: [],
  dryRun: false,
  ...s,
})
const values = (n: number) => Array.from({ length: n }, (_, i) => ({ dataElement: `DE${i}`, value: String(i) }))

const E7619 = {
  object: 'RC_CAUSERIES',
  value: 'Value must match value type of data element `RC_CAUSERIES`: `value_not_zero_or_positive_integer`',
  errorCode: 'E7619',
  property: 'value',
}
const E7641 = {
  value:
    'Period: `202612` is after latest open future period: `202609` for data element: `RC_VAD` and data set: `RC_MENSUEL`',
  errorCode: 'E7641',
  property: 'period',
}
const E7600 = {
  object: 'NOPE',
  value: 'Data set not found or not accessible: `NOPE`',
  errorCode: 'E7600',
  property: 'dataSet',
}
const c7619 = { errorCode: 'E7619', property: 'value', message: E7619.value }
const c7641 = { errorCode: 'E7641', property: 'period', message: E7641.value }
const c7600 = { errorCode: 'E7600', property: 'dataSet', message: E7600.value }

describe('readImportSummary', () => {
  const bare = {
    responseType: 'ImportSummary',
    status: 'WARNING',
    importOptions: { dryRun: true, idSchemes: {} },
    description: 'Import process completed successfully',
    importCount: count(1, 0, 1, 0),
    conflicts: [{ ...E7619, objects: { dataElement: 'RC_CAUSERIES', weird: 3 }, indexes: [1] }],
    rejectedIndexes: [1],
    dataSetComplete: 'false',
  }
  const expected: ImportSummary = {
    status: 'WARNING',
    description: 'Import process completed successfully',
    importCount: count(1, 0, 1, 0),
    conflicts: [{ ...E7619, objects: { dataElement: 'RC_CAUSERIES' }, indexes: [1] }],
    rejectedIndexes: [1],
    dataSetComplete: 'false',
    dryRun: true,
  }
  const webMessage = (response: unknown) => ({
    httpStatus: 'Conflict',
    httpStatusCode: 409,
    status: 'WARNING',
    message: 'One more conflicts encountered, please check import summary.',
    response,
  })

  test.each([
    ['the 2.38+ WebMessage wrapper', webMessage(bare), expected],
    ['the pre-2.38 bare summary', bare, expected],
    ['a bare summary without responseType (async task summary)', { ...bare, responseType: undefined }, expected],
    [
      'a minimal summary: counts default to 0, no conflicts, not a dry run',
      { responseType: 'ImportSummary', status: 'SUCCESS' },
      { status: 'SUCCESS', importCount: count(), conflicts: [], dryRun: false },
    ],
    [
      'dataSetComplete as a boolean (older servers)',
      { ...bare, dataSetComplete: false },
      { ...expected, dataSetComplete: 'false' },
    ],
    ['a 401 WebMessage', { httpStatus: 'Unauthorized', httpStatusCode: 401, status: 'ERROR', message: 'x' }, undefined],
    [
      'an async job answer',
      { httpStatus: 'OK', httpStatusCode: 200, status: 'OK', response: { jobType: 'DATAVALUE_IMPORT', id: 'x' } },
      undefined,
    ],
    ['an unknown status', { ...bare, status: 'OK' }, undefined],
    ['a negative count', { ...bare, importCount: count(-1) }, undefined],
    ['a non-integer index', { ...bare, rejectedIndexes: [1.5] }, undefined],
    ['a WebMessage whose response is an array', webMessage([bare]), undefined],
    ['HTML', '<html>login</html>', undefined],
    ['null', null, undefined],
    ['an array', [bare], undefined],
  ])('%s', (_name, body, result) => expect(readImportSummary(body)).toEqual(result))
})

describe('interpretImportSummary', () => {
  const accepted = (index: number): ValueOutcome => ({ index, outcome: 'accepted', conflicts: [] })
  const rejected = (index: number, ...conflicts: ValueOutcome['conflicts']): ValueOutcome => ({
    index,
    outcome: 'rejected',
    conflicts,
  })

  test.each([
    {
      name: 'SUCCESS: every value accepted; unchanged values come back ignored, not rejected',
      sent: 3,
      summary: summary({ status: 'SUCCESS', importCount: count(1, 1, 1) }),
      values: [accepted(0), accepted(1), accepted(2)],
      totals: { accepted: 3, rejected: 0, imported: 1, updated: 1, ignored: 1, deleted: 0 },
    },
    {
      name: 'WARNING (409, partly saved): exactly the indexed values are rejected, with their conflict',
      sent: 4,
      summary: summary({
        status: 'WARNING',
        importCount: count(2, 0, 2),
        conflicts: [
          { ...E7619, indexes: [1] },
          { ...E7641, indexes: [3] },
        ],
        rejectedIndexes: [1, 3],
      }),
      values: [accepted(0), rejected(1, c7619), accepted(2), rejected(3, c7641)],
      totals: { accepted: 2, rejected: 2, imported: 2, updated: 0, ignored: 2, deleted: 0 },
    },
    {
      name: 'WARNING: a grouped conflict names several indexes',
      sent: 3,
      summary: summary({ status: 'WARNING', conflicts: [{ ...E7641, indexes: [0, 2] }], rejectedIndexes: [0, 2] }),
      values: [rejected(0, c7641), accepted(1), rejected(2, c7641)],
    },
    {
      name: 'WARNING from 2.38: conflict indexes without rejectedIndexes',
      sent: 2,
      summary: summary({ status: 'WARNING', conflicts: [{ ...E7619, indexes: [0] }] }),
      values: [rejected(0, c7619), accepted(1)],
    },
    {
      name: 'WARNING: rejectedIndexes alone still reject (with a stated reason)',
      sent: 2,
      summary: summary({ status: 'WARNING', conflicts: [{ ...E7619, indexes: [0] }], rejectedIndexes: [0, 1] }),
      values: [rejected(0, c7619), rejected(1, { message: REJECTED_WITHOUT_CONFLICT })],
    },
    {
      name: 'SUCCESS with rejectedIndexes (importStrategy CREATE on an existing value)',
      sent: 2,
      summary: summary({ status: 'SUCCESS', importCount: count(1, 0, 1), rejectedIndexes: [1] }),
      values: [accepted(0), rejected(1, { message: REJECTED_WITHOUT_CONFLICT })],
    },
    {
      name: 'WARNING: a conflict without indexes next to indexed ones is a notice, not a rejection',
      sent: 2,
      summary: summary({
        status: 'WARNING',
        conflicts: [
          { ...E7619, indexes: [1] },
          { object: 'Period', value: 'Must be provided to complete data set' },
        ],
        rejectedIndexes: [1],
      }),
      values: [accepted(0), rejected(1, c7619)],
      notices: [{ message: 'Must be provided to complete data set' }],
    },
    {
      name: 'ERROR with a data-set-level conflict: every value rejected with its message',
      sent: 3,
      summary: summary({ status: 'ERROR', description: 'Import process was aborted', conflicts: [E7600] }),
      values: [rejected(0, c7600), rejected(1, c7600), rejected(2, c7600)],
      totals: { accepted: 0, rejected: 3 },
    },
    {
      name: 'ERROR without conflicts: the description is the reason',
      sent: 1,
      summary: summary({ status: 'ERROR', description: 'The import process failed: Invalid date' }),
      values: [rejected(0, { message: 'The import process failed: Invalid date' })],
    },
    {
      name: 'ERROR without conflicts or description',
      sent: 1,
      summary: summary({ status: 'ERROR' }),
      values: [rejected(0, { message: 'Import aborted by DHIS2' })],
    },
    {
      name: 'ERROR that still counts writes: all rejected, and flagged',
      sent: 1,
      summary: summary({ status: 'ERROR', importCount: count(1), conflicts: [E7600] }),
      values: [rejected(0, c7600)],
      ambiguous: true,
    },
    {
      name: 'ERROR keeps a value-level conflict before the abort reason',
      sent: 2,
      summary: summary({ status: 'ERROR', conflicts: [E7600, { ...E7619, indexes: [1] }] }),
      values: [rejected(0, c7600), rejected(1, c7619, c7600)],
    },
    {
      name: 'WARNING naming no index at all (pre-2.37): nothing can be claimed imported',
      sent: 2,
      summary: summary({ status: 'WARNING', importCount: count(1, 0, 1), conflicts: [E7619] }),
      values: [rejected(0, c7619), rejected(1, c7619)],
      ambiguous: true,
    },
    {
      name: 'WARNING with neither conflicts nor indexes',
      sent: 1,
      summary: summary({ status: 'WARNING', description: 'Import process completed successfully' }),
      values: [rejected(0, { message: 'Import process completed successfully' })],
      ambiguous: true,
    },
    {
      name: 'WARNING with neither conflicts, indexes nor description',
      sent: 1,
      summary: summary({ status: 'WARNING' }),
      values: [rejected(0, { message: 'Conflicts without indexes' })],
      ambiguous: true,
    },
    {
      name: 'indexes beyond the values sent: the summary does not line up, nothing is claimed imported',
      sent: 2,
      summary: summary({ status: 'WARNING', conflicts: [{ ...E7619, indexes: [1, 5] }], rejectedIndexes: [1, 5, 7] }),
      values: [
        rejected(0, { message: 'DHIS2 reported indexes beyond the 2 values sent: 5, 7' }),
        rejected(1, c7619, { message: 'DHIS2 reported indexes beyond the 2 values sent: 5, 7' }),
      ],
      ambiguous: true,
      outOfRange: [5, 7],
    },
    {
      name: 'a SUCCESS with an out-of-range rejected index is flagged the same way',
      sent: 1,
      summary: summary({ status: 'SUCCESS', rejectedIndexes: [3] }),
      values: [rejected(0, { message: 'DHIS2 reported indexes beyond the 1 values sent: 3' })],
      ambiguous: true,
      outOfRange: [3],
    },
    {
      name: 'an ERROR with out-of-range indexes keeps the abort reason, flagged',
      sent: 1,
      summary: summary({ status: 'ERROR', conflicts: [E7600, { ...E7619, indexes: [2] }] }),
      values: [rejected(0, c7600)],
      ambiguous: true,
      outOfRange: [2],
    },
    {
      name: 'nothing sent',
      sent: 0,
      summary: summary({ status: 'SUCCESS' }),
      values: [],
      totals: { sent: 0, accepted: 0, rejected: 0 },
    },
  ])('$name', ({ sent, summary: s, values: expected, totals, notices = [], ambiguous = false, outOfRange = [] }) => {
    const result = interpretImportSummary(values(sent), s)
    expect(result.values).toEqual(expected)
    expect(result.status).toBe(s.status)
    expect(result.notices).toEqual(notices)
    expect(result.ambiguous).toBe(ambiguous)
    expect(result.outOfRangeIndexes).toEqual(outOfRange)
    expect(result.totals.sent).toBe(sent)
    expect(result.totals.accepted + result.totals.rejected).toBe(sent)
    if (totals) expect(result.totals).toMatchObject(totals)
  })

  test('a dry run is reported as such', () => {
    expect(interpretImportSummary(values(1), summary({ status: 'SUCCESS', dryRun: true })).dryRun).toBe(true)
  })
})

test.each([
  [
    { value: 'm', errorCode: 'E1', property: 'p' },
    { message: 'm', errorCode: 'E1', property: 'p' },
  ],
  [{ object: 'OrganisationUnit' }, { message: 'OrganisationUnit' }],
  [{ errorCode: 'E7622' }, { message: 'E7622', errorCode: 'E7622' }],
  [{}, { message: 'Conflict' }],
])('toValueConflict(%j)', (conflict, expected) => expect(toValueConflict(conflict)).toEqual(expected))

describe('recordOutcomes', () => {
  const ok = (index: number): ValueOutcome => ({ index, outcome: 'accepted', conflicts: [] })
  const ko = (index: number): ValueOutcome => ({ index, outcome: 'rejected', conflicts: [c7619] })

  test('a record is imported only when all its values were accepted', () => {
    const result = recordOutcomes([ok(0), ko(1), ok(2), ok(3), ko(4)], ['r1', 'r1', 'r2', 'r3', 'r3'])
    expect(result.records).toEqual([
      { recordId: 'r1', outcome: 'rejected', valueIndexes: [0, 1], rejectedValues: [{ index: 1, conflicts: [c7619] }] },
      { recordId: 'r2', outcome: 'imported', valueIndexes: [2], rejectedValues: [] },
      { recordId: 'r3', outcome: 'rejected', valueIndexes: [3, 4], rejectedValues: [{ index: 4, conflicts: [c7619] }] },
    ])
    expect(result.totals).toEqual({ records: 3, imported: 1, rejected: 2 })
  })

  test('a value summed from several records counts for each of them', () => {
    const result = recordOutcomes(
      [ko(0), ok(1)],
      [
        ['a', 'b', 'a'],
        ['b', 'c'],
      ],
    )
    expect(result.records.map((r) => [r.recordId, r.outcome, r.valueIndexes])).toEqual([
      ['a', 'rejected', [0]],
      ['b', 'rejected', [0, 1]],
      ['c', 'imported', [1]],
    ])
  })

  test('outcomes in any order come out sorted by index per record', () => {
    const result = recordOutcomes([ko(2), ok(0), ko(1)], ['r', 'r', 'r'])
    expect(result.records).toEqual([
      {
        recordId: 'r',
        outcome: 'rejected',
        valueIndexes: [0, 1, 2],
        rejectedValues: [
          { index: 1, conflicts: [c7619] },
          { index: 2, conflicts: [c7619] },
        ],
      },
    ])
  })

  test('nothing in, nothing out', () => {
    expect(recordOutcomes([], [])).toEqual({ records: [], totals: { records: 0, imported: 0, rejected: 0 } })
  })

  test.each([
    ['fewer record entries than values', [ok(0), ok(1)], ['r']],
    ['an index with no entry', [ok(3)], ['r']],
  ])('refuses %s', (_name, outcomes, owners) => {
    expect(() => recordOutcomes(outcomes, owners)).toThrow(RangeError)
  })

  test('end to end: a WARNING summary to records', () => {
    const s = summary({
      status: 'WARNING',
      conflicts: [{ ...E7619, indexes: [1] }],
      rejectedIndexes: [1],
      importCount: count(2, 0, 1),
    })
    const interpretation = interpretImportSummary(values(3), s)
    const result = recordOutcomes(interpretation.values, ['k1', 'k2', 'k3'])
    expect(result.records.map((r) => `${r.recordId}:${r.outcome}`)).toEqual([
      'k1:imported',
      'k2:rejected',
      'k3:imported',
    ])
    expect(result.records[1]?.rejectedValues[0]?.conflicts[0]?.errorCode).toBe('E7619')
  })
})
