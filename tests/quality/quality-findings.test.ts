/**
 * The data-quality screen's DHIS2 code (dhis2-app/src/quality/: qualityData.ts, reviewStore.ts) run over HTTP
 * against the DHIS2 stand-in, as each user (issue 15 §3):
 * - a data manager's whole country over the seed's twelve months gives exactly the seed's planted findings
 *   (`standin.findings`): DHIS2's outlier detection and validation rule analysis find them and nothing else,
 *   no value is marked for follow-up, and the app's missing-disaggregation rule finds nothing in the seed;
 * - a supervisor's zone holds none of them (the seed plants them away from the Atlantique's first RC);
 * - a data manager's review is kept in `relais/quality-reviews-YYYYMM` and read back; reviewing a follow-up
 *   unmarks the value in DHIS2; a second review of a finding replaces the first.
 */
import { loadQualityData, loadQualityMetadata, type QualityAccess } from '../../dhis2-app/src/quality/qualityData'
import { loadReviews, saveReview } from '../../dhis2-app/src/quality/reviewStore'
import type { Finding } from '../../dhis2-app/src/quality/findings'
import { createStandin, basic, PASSWORDS, uid, type Standin } from '@relais/dhis2-standin'

let standin: Standin
let dhis2: string
const MONTHS = ['202512', ...Array.from({ length: 11 }, (_, i) => `2026${String(i + 1).padStart(2, '0')}`)]
const DEFAULT = uid('categoryOptionCombo', 'default')

beforeAll(async () => {
  standin = createStandin({ seed: 'small', now: '2026-12-06T09:00:00Z' })
  dhis2 = await standin.listen(0)
})
afterAll(() => standin?.close())

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    text: string,
  ) {
    super(`HTTP ${status} ${text.slice(0, 200)}`)
  }
  get details() {
    return { httpStatusCode: this.status }
  }
}

/** The app's QualityAccess, over fetch with a user's login (the engine sends a `filter` array as repeats). */
function as(username: string): QualityAccess {
  const headers = { Authorization: basic(username, PASSWORDS[username]), 'Content-Type': 'application/json' }
  const call = async (method: string, resource: string, data?: unknown, params: Record<string, unknown> = {}) => {
    const u = new URL(`${dhis2}/api/${resource}`)
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v))
    const res = await fetch(u, { method, headers, ...(data === undefined ? {} : { body: JSON.stringify(data) }) })
    const text = await res.text()
    if (!res.ok) throw new HttpFailure(res.status, text)
    return text ? (JSON.parse(text) as unknown) : undefined
  }
  return {
    get: (resource, params) => call('GET', resource, undefined, params),
    create: async (resource, data, params) => {
      await call('POST', resource, data, params)
    },
    replace: async (resource, data) => {
      await call('PUT', resource, data)
    },
    post: (resource, data) => call('POST', resource, data),
  }
}

const country = () => standin.ctx.state.metadata.organisationUnits.find((o) => o.level === 1)!.id
const unitOf = (code: string) => standin.ctx.state.metadata.organisationUnits.find((o) => o.code === code)!

function seededIds(): string[] {
  return standin.findings
    .map((f) =>
      f.kind === 'OUTLIER'
        ? `outlier.${f.orgUnit}.${f.period}.${f.dataElement}.${f.categoryOptionCombo}.${DEFAULT}`
        : `validation.${f.orgUnit}.${f.period}.${f.validationRule}.${DEFAULT}`,
    )
    .sort()
}

test('a data manager’s country over the seed’s months holds exactly the planted findings', async () => {
  const api = as('gestionnaire')
  const meta = (await loadQualityMetadata(api))!
  expect(meta.disaggregated.map((d) => d.combos.length).sort()).toEqual([2, 2, 2, 2, 6])
  const data = await loadQualityData(api, meta, country(), MONTHS)
  expect(standin.findings).toHaveLength(8)
  expect(data.findings.map((f) => f.id).sort()).toEqual(seededIds())
  expect(data.truncated).toBe(false)
  // Every finding's RC is known by name and code, and reported that month.
  for (const f of data.findings) {
    expect(data.rcs.get(f.orgUnit)?.code).toMatch(/^RC-/)
    expect(data.reporting.get(f.period)?.has(f.orgUnit)).toBe(true)
  }
})

test('a supervisor’s zone holds none of them, and a value marked for follow-up there is one', async () => {
  const api = as('superviseur')
  const meta = (await loadQualityMetadata(api))!
  const zone = unitOf('ZS-AQ-01')
  expect((await loadQualityData(api, meta, zone.id, MONTHS)).findings).toEqual([])
  const rc = unitOf('RC-AQ-00001')
  const value = [...standin.ctx.state.dataValues.valuesOf(rc.id)].find((v) => v.period === '202609' && !v.deleted)!
  standin.ctx.state.dataValues.set(
    {
      dataElement: value.dataElement,
      period: value.period,
      orgUnit: rc.id,
      categoryOptionCombo: value.categoryOptionCombo,
      attributeOptionCombo: value.attributeOptionCombo,
    },
    { ...value, followup: true },
  )
  const [followup, ...others] = (await loadQualityData(api, meta, zone.id, MONTHS)).findings
  expect(others).toEqual([])
  expect(followup).toMatchObject({ kind: 'followup', orgUnit: rc.id, period: '202609', value: value.value })

  // A data manager marks it corrected: DHIS2 no longer lists it, the review keeps it.
  const manager = as('gestionnaire')
  await saveReview(manager, followup!, {
    status: 'corrected',
    by: { id: 'x', username: 'gestionnaire', name: 'Gestionnaire' },
    at: '2026-12-06T10:00:00.000',
  })
  expect((await loadQualityData(api, meta, zone.id, MONTHS)).findings).toEqual([])
  const reviews = await loadReviews(api, MONTHS)
  expect(reviews.get(followup!.id)).toMatchObject({ status: 'corrected', finding: { id: followup!.id } })
})

test('reviews are kept per month in the relais namespace, a second one replacing the first', async () => {
  const api = as('gestionnaire')
  const finding: Finding = {
    id: seededIds()[0]!,
    kind: 'outlier',
    orgUnit: 'x',
    period: seededIds()[0]!.split('.')[2]!,
    attributeOptionCombo: DEFAULT,
  }
  const by = { id: 'u', username: 'gestionnaire', name: 'G' }
  await saveReview(api, finding, { status: 'checked', by, at: '2026-12-06T10:00:00.000' })
  await saveReview(api, finding, { status: 'corrected', by, at: '2026-12-06T11:00:00.000' })
  const reviews = await loadReviews(as('administrateur'), [finding.period])
  expect(reviews.get(finding.id)).toEqual({ status: 'corrected', by, at: '2026-12-06T11:00:00.000' })
  // Another month's entry is not read for these months.
  expect((await loadReviews(api, ['202511'])).size).toBe(0)
})
