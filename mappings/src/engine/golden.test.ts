/**
 * Golden tests: the committed samples give exactly their committed expected outcomes, row by row. The
 * expected files were written from the sources' defects (sources.md §2), not copied from the mapper's
 * output: a change in outcome is a behaviour change to look at.
 */
import { codeOf, mapperFor, readSample } from '../../test-fixtures/seed'
import type { BatchRecord } from './types'

interface Expected {
  row: number
  note?: string
  status: string
  key?: string
  orgUnit?: string
  period?: string
  errors: { code: string; field?: string }[]
  warnings: { code: string; field?: string }[]
  dataValues?: { dataElement: string; categoryOptionCombo: string; value: string }[]
}

function outcome(r: BatchRecord, e: Expected) {
  const issue = (i: { code: string; field?: string }, withField: boolean) =>
    withField && i.field !== undefined ? { code: i.code, field: i.field } : { code: i.code }
  // Compare fields only where the expectation names one.
  const pick = (list: { code: string; field?: string }[], expected: { code: string; field?: string }[]) =>
    list.map((i, n) => issue(i, expected[n]?.field !== undefined))
  const out: Expected = {
    row: r.index + 1,
    status: r.status,
    errors: pick(r.errors, e.errors),
    warnings: pick(r.warnings, e.warnings),
  }
  if (e.note !== undefined) out.note = e.note
  if (e.key !== undefined) out.key = r.key
  if (e.orgUnit !== undefined) out.orgUnit = r.orgUnit === undefined ? undefined : codeOf.orgUnit(r.orgUnit)
  if (e.period !== undefined) out.period = r.period
  if (e.dataValues !== undefined) {
    out.dataValues = r.dataValues.map((v) => ({
      dataElement: codeOf.dataElement(v.dataElement),
      categoryOptionCombo: codeOf.coc(v.categoryOptionCombo),
      value: v.value,
    }))
  }
  return out
}

describe('golden samples', () => {
  it('clean Kobo submissions map to every value, unchanged', () => {
    const page = readSample<{ results: unknown[] }>('kobo-rapport-rc.clean.json')
    const expected = readSample<Expected[]>('kobo-rapport-rc.clean.expected.json')
    const result = mapperFor('kobo-rapport-rc').mapBatch(page.results)
    expect(result.records.map((r, i) => outcome(r, expected[i] as Expected))).toEqual(expected)
    expect(result.summary).toMatchObject({ records: 3, ok: 3, invalid: 0, errors: 0, warnings: 0 })
  })

  it('clean partner CSV rows map to every value, unchanged', () => {
    const rows = readSample<unknown[]>('partenaires.clean.records.json')
    const expected = readSample<Expected[]>('partenaires.clean.expected.json')
    const result = mapperFor('csv-partenaires').mapBatch(rows)
    expect(result.records.map((r, i) => outcome(r, expected[i] as Expected))).toEqual(expected)
  })

  it('the messy partner CSV gives exactly its expected per-row outcomes', () => {
    const rows = readSample<unknown[]>('partenaires.messy.records.json')
    const expected = readSample<Expected[]>('partenaires.messy.expected.json')
    const result = mapperFor('csv-partenaires').mapBatch(rows)
    expect(result.records).toHaveLength(expected.length)
    expect(result.records.map((r, i) => outcome(r, expected[i] as Expected))).toEqual(expected)
    // Never a silently dropped row: every row has a status, and every non-ok row says why.
    for (const r of result.records) {
      if (r.status !== 'ok') expect(r.errors.length + r.warnings.length).toBeGreaterThan(0)
    }
  })
})
