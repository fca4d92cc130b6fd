/**
 * The seed's data-quality findings (seed/data-quality.ts): what DHIS2's default outlier detection (Z_SCORE,
 * threshold 3) and the validation rule analysis find over the seeded months is exactly the manifest
 * (`Standin.findings`, `seededFindings()`), no more and no less — for the small seed the tests use and for
 * the demo seed, at two clocks.
 */
import { createStandin, type Standin } from '../src/server'
import { seededFindings, uid } from '../src/seed'
import { basic } from './support'

async function findingsOf(standin: Standin) {
  const url = await standin.listen()
  const ctx = standin.ctx
  const all = new Set<string>()
  for (const rows of ctx.state.dataValues.orgUnits())
    for (const v of ctx.state.dataValues.valuesOf(rows)) all.add(v.period)
  const monthly = [...all].filter((p) => /^\d{6}$/.test(p)).sort()
  const first = monthly[0] ?? ''
  const last = monthly[monthly.length - 1] ?? ''
  const root = ctx.state.metadata.organisationUnits.find((o) => o.level === 1)?.id ?? ''
  const start = `${first.slice(0, 4)}-${first.slice(4)}-01`
  const end = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(4)), 0)).toISOString().slice(0, 10)
  const headers = { Authorization: basic('admin', 'district'), 'Content-Type': 'application/json' }
  const outliers = (await (
    await fetch(
      `${url}/api/outlierDetection?ds=${uid('dataSet', 'RC_MENSUEL')}&ou=${root}&startDate=${start}&endDate=${end}`,
      { headers },
    )
  ).json()) as { outlierValues: { ou: string; pe: string; de: string; coc: string; value: number; zScore: number }[] }
  const violations = (await (
    await fetch(`${url}/api/dataAnalysis/validationRules`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ou: root, startDate: start, endDate: end }),
    })
  ).json()) as { validationRuleId: string; organisationUnitId: string; periodId: string }[]
  return { outliers, violations }
}

describe.each([
  ['small', '2026-11-10T10:00:00Z'],
  ['small', '2026-10-03T09:00:00Z'],
  ['demo', '2026-11-10T10:00:00Z'],
] as const)('the %s seed at %s', (size, now) => {
  let standin: Standin
  beforeAll(() => {
    standin = createStandin({ seed: size, now })
  })
  afterAll(() => standin.close())

  it('holds four planted outliers and four planted rule violations, and nothing else is found', async () => {
    const { outliers, violations } = await findingsOf(standin)
    const planted = standin.findings
    expect(planted.filter((f) => f.kind === 'OUTLIER')).toHaveLength(4)
    expect(
      planted
        .filter((f) => f.kind === 'VALIDATION_RULE')
        .map((f) => f.validationRuleCode)
        .sort(),
    ).toEqual(['VR_AUTOTEST_SENS', 'VR_CTA', 'VR_PDV', 'VR_TDR_POS'])
    // Away from the RC the end-to-end tests enter reports for.
    expect(planted.map((f) => f.rc)).not.toContain('RC-AQ-00001')

    const found = outliers.outlierValues.map((v) => `${v.ou} ${v.pe} ${v.de} ${v.coc}`).sort()
    const expected = planted
      .filter((f) => f.kind === 'OUTLIER')
      .map((f) => `${f.orgUnit} ${f.period} ${f.dataElement} ${f.categoryOptionCombo}`)
      .sort()
    expect(found).toEqual(expected)
    for (const v of outliers.outlierValues) {
      const f = planted.find((p) => p.orgUnit === v.ou && p.period === v.pe)
      expect([v.value, v.zScore >= 3]).toEqual([f?.value, true])
    }

    const broken = violations.map((v) => `${v.validationRuleId} ${v.organisationUnitId} ${v.periodId}`).sort()
    const expectedRules = planted
      .filter((f) => f.kind === 'VALIDATION_RULE')
      .map((f) => `${f.validationRule} ${f.orgUnit} ${f.period}`)
      .sort()
    expect(broken).toEqual(expectedRules)
  })

  it('the manifest is what seededFindings() computes for the same options', () => {
    if (size !== 'small') return
    const again = seededFindings({ size, now: new Date(now), timeZone: 'Africa/Porto-Novo' })
    expect(again).toEqual(standin.findings)
  })
})

test('no reports, no findings', () => {
  const standin = createStandin({ seed: 'small', now: '2026-11-10T10:00:00Z', months: 0 })
  expect(standin.findings).toEqual([])
})
