/** The CLI's pure output helpers: aligned tables, durations, problems of a record, option parsing. */
import { parseCli, seconds, UsageError, wholeNumber } from './args'
import { problemOf } from './problems'
import { countsLine } from './progress'
import { formatDuration, keyValues, safeUrl, table } from './table'

test('table: numbers to the right, text to the left, cut with …, no trailing spaces', () => {
  const out = table(
    [
      { s: 'imported', n: 4, note: 'a long explanation' },
      { s: 'quarantined', n: 12, note: '' },
    ],
    [
      { header: 'status', value: (r) => r.s },
      { header: 'records', value: (r) => r.n },
      { header: 'note', value: (r) => r.note, maxWidth: 8 },
    ],
  )
  expect(out.split('\n')).toEqual([
    'status       records  note',
    '───────────  ───────  ────────',
    'imported           4  a long …',
    'quarantined       12',
  ])
})

test('keyValues, durations, URLs without their password', () => {
  expect(
    keyValues([
      ['DHIS2', 'up'],
      ['ledger', 'PGlite'],
    ]),
  ).toBe('DHIS2   up\nledger  PGlite')
  expect([850, 4200, 185_000, 7_620_000].map((ms) => formatDuration(ms))).toEqual([
    '850 ms',
    '4.2 s',
    '3 min 05 s',
    '2 h 07 min',
  ])
  // In French, a decimal comma.
  expect(formatDuration(4200, true)).toBe('4,2 s')
  expect(safeUrl('redis://:s3cret@redis:6379/0')).toBe('redis://***@redis:6379/0')
  expect(safeUrl('redis://127.0.0.1:6379/12')).toBe('redis://127.0.0.1:6379/12')
})

test('problemOf: the mapper issue in English, DHIS2 conflicts, and how many more', () => {
  const invalid = {
    kind: 'invalid',
    errors: [
      {
        code: 'E7619',
        field: 'vad',
        dataElement: 'RC_VAD',
        raw: '-3',
        message: { fr: 'Valeur…', en: 'Value refused' },
      },
      { code: 'MISSING_COLUMN', field: 'rupture', message: { fr: 'x', en: 'y' } },
    ],
  }
  expect(problemOf(invalid)).toBe('E7619 vad → RC_VAD (value "-3"): Value refused (+1 more)')
  expect(problemOf({ rejected: [{ dataElement: 'RC_VAD', conflicts: [{ errorCode: 'E7633', message: 'no' }] }] })).toBe(
    'E7633 RC_VAD: no',
  )
  expect(problemOf(null, 'duplicate')).toBe('duplicate')
})

test('countsLine names the statuses that have records', () => {
  const counts = {
    received: 1,
    mapped: 0,
    imported: 3,
    unchanged: 0,
    quarantined: 2,
    discarded: 0,
    failed: 0,
    total: 6,
  }
  expect(countsLine(counts)).toBe('received 1, imported 3, quarantined 2')
})

test('option parsing: every mistake is a one-line UsageError', () => {
  expect(() => parseCli(['--nope'], { json: { type: 'boolean' } })).toThrow(new UsageError("Unknown option '--nope'"))
  expect(() => wholeNumber('--page', 'x', 1)).toThrow('--page must be a whole number ≥ 1 (got "x")')
  expect(wholeNumber('--page', undefined, 1)).toBe(1)
  expect(seconds('--worker-timeout', '1.5', 30)).toBe(1.5)
  expect(() => seconds('--worker-timeout', '0', 30)).toThrow(UsageError)
})
