/**
 * `GET /api/outlierDetection` as core@2.41 answers it (OutlierDetectionController, OutlierDetectionQueryParser,
 * ValidationOutlierDetectionRequest, ZscoreSqlStatementProcessor, MinMaxSqlStatementProcessor): exact figures on
 * series written by hand, the answer's field names and order, the algorithms, the order and the cap, and every
 * refusal (409 E2200–E2208, 400 for a parameter that does not bind, 403 without F_RUN_VALIDATION).
 *
 * Series (RC_VAD, default combo): RC1 202601–202609 ten, 202610 100 (mean 19, σ 27: z = 3 exactly); RC2 8, 10,
 * 12, 10, 40 (median 10, MAD 2); RC3 25, 2, 10 with a min–max range [5, 20]; RC4 1000, 1200, 800, 1000, 1600.
 */
import { startWorld, de, DEFAULT, DS, type World } from './analytics-fixture'
import { startStandin } from './support'

let w: World
const VAD = de('RC_VAD')

beforeAll(async () => {
  w = await startWorld()
  const months = ['202601', '202602', '202603', '202604', '202605', '202606', '202607', '202608', '202609']
  for (const pe of months) w.put('RC_VAD', pe, w.RC1, '10')
  w.put('RC_VAD', '202610', w.RC1, '100')
  ;['8', '10', '12', '10', '40'].forEach((v, i) => w.put('RC_VAD', months[i]!, w.RC2, v))
  ;['25', '2', '10'].forEach((v, i) => w.put('RC_VAD', months[i + 2]!, w.RC3, v))
  ;['1000', '1200', '800', '1000', '1600'].forEach((v, i) => w.put('RC_VAD', months[i]!, w.RC4, v))
  w.c.standin.ctx.state.minMaxValues = [
    { dataElement: VAD, orgUnit: w.RC3, optionCombo: DEFAULT, minValue: 5, maxValue: 20, generated: false },
  ]
})
afterAll(() => w.c.close())

const get = (query: string, as = 'admin') => w.c.call('GET', `/api/outlierDetection?${query}`, { as })
const base = () => `dx=${VAD}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-12-31`

describe('Z_SCORE (the default)', () => {
  it('finds the value whose z-score reaches the threshold, with DHIS2 2.41 field names in Jackson order', async () => {
    const res = await get(base())
    expect(res.status).toBe(200)
    expect(res.body.metadata).toEqual({
      algorithm: 'Z_SCORE',
      threshold: 3,
      orderBy: 'MEAN_ABS_DEV',
      maxResults: 500,
      count: 1,
    })
    expect(Object.keys(res.body)).toEqual(['metadata', 'outlierValues'])
    const [value] = res.body.outlierValues
    expect(value).toEqual({
      de: VAD,
      deName: w.c.standin.ctx.state.metadata.dataElements.find((d) => d.id === VAD)?.name,
      pe: '202610',
      ou: w.RC1,
      ouName: w.ou('RC-AQ-00001').name,
      coc: DEFAULT,
      cocName: 'default',
      aoc: DEFAULT,
      value: 100,
      mean: 19,
      stdDev: 27,
      absDev: 81,
      zScore: 3,
      lowerBound: -62,
      upperBound: 100,
      aocName: 'default',
      followup: false,
    })
    expect(Object.keys(value)).toEqual([
      'de',
      'deName',
      'pe',
      'ou',
      'ouName',
      'coc',
      'cocName',
      'aoc',
      'value',
      'mean',
      'stdDev',
      'absDev',
      'zScore',
      'lowerBound',
      'upperBound',
      'aocName',
      'followup',
    ])
  })

  it('takes the data set’s numeric elements from ds, and the threshold, window and data dates as given', async () => {
    const byDs = await get(`ds=${DS}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-12-31`)
    expect(byDs.body.outlierValues.map((v: { ou: string }) => v.ou)).toEqual([w.RC1])
    expect((await get(`${base()}&threshold=3.01`)).body.outlierValues).toEqual([])
    // The window picks candidates; the statistics still use every period.
    expect((await get(`dx=${VAD}&ou=${w.BJ}&startDate=2026-10-01&endDate=2026-10-31`)).body.metadata.count).toBe(1)
    expect((await get(`dx=${VAD}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-09-30`)).body.metadata.count).toBe(0)
    // Statistics over the data dates only: nine tens have no deviation, so no series qualifies.
    const data = await get(`${base()}&dataStartDate=2026-01-01&dataEndDate=2026-09-30`)
    expect(data.body.metadata).toMatchObject({
      dataStartDate: '2026-01-01T00:00:00.000',
      dataEndDate: '2026-09-30T00:00:00.000',
      count: 0,
    })
    // Only the sub-tree of ou.
    expect((await get(`dx=${VAD}&ou=${w.ZONE_B}&startDate=2026-01-01&endDate=2026-12-31`)).body.metadata.count).toBe(0)
  })

  it('orders by absolute deviation or by z-score, descending, and stops at maxResults', async () => {
    const abs = await get(`${base()}&threshold=1.5`)
    expect(abs.body.outlierValues.map((v: { value: number }) => v.value)).toEqual([1600, 100, 40])
    const z = await get(`${base()}&threshold=1.5&orderBy=Z_SCORE`)
    expect(z.body.outlierValues.map((v: { value: number }) => v.value)).toEqual([100, 40, 1600])
    const two = await get(`${base()}&threshold=1.5&orderBy=z_score&maxResults=2`)
    expect(two.body.metadata).toMatchObject({ orderBy: 'Z_SCORE', maxResults: 2, count: 2 })
    expect(two.body.outlierValues).toHaveLength(2)
  })
})

describe('MOD_Z_SCORE and MIN_MAX', () => {
  it('MOD_Z_SCORE uses the median and the median absolute deviation (answered as stdDev)', async () => {
    const res = await get(`${base()}&algorithm=MOD_Z_SCORE`)
    expect(res.status).toBe(200)
    // RC1's series has a MAD of 0: DHIS2 leaves it out. RC2's 40: 0.6745 × 30 / 2.
    expect(res.body.outlierValues).toHaveLength(1)
    const [v] = res.body.outlierValues
    expect(v).toMatchObject({ ou: w.RC2, pe: '202605', value: 40, median: 10, stdDev: 2, absDev: 30 })
    expect(v.mean).toBeUndefined()
    expect(v.zScore).toBeCloseTo((0.6745 * 30) / 2, 10)
    expect(v.lowerBound).toBeCloseTo(10 - (2 * 3) / 0.6745, 10)
    expect(v.upperBound).toBeCloseTo(10 + (2 * 3) / 0.6745, 10)
    expect(res.body.metadata.algorithm).toBe('MOD_Z_SCORE')
  })

  it('MIN_MAX reports values outside the stored range, nearest-bound distance first', async () => {
    const res = await get(`${base()}&algorithm=MIN_MAX`)
    expect(res.body.outlierValues).toEqual([
      expect.objectContaining({ ou: w.RC3, pe: '202603', value: 25, absDev: 5, lowerBound: 5, upperBound: 20 }),
      expect.objectContaining({ ou: w.RC3, pe: '202604', value: 2, absDev: 3, lowerBound: 5, upperBound: 20 }),
    ])
    expect(res.body.outlierValues[0].zScore).toBeUndefined()
    expect(res.body.outlierValues[0].mean).toBeUndefined()
  })

  it('a text value cannot be cast: E2208; INVALID_NUMERIC lists it with rawValue', async () => {
    const text = de('RC_DIFFICULTES')
    w.put('RC_DIFFICULTES', '202609', w.RC1, 'Pas de TDR')
    const cast = await get(`dx=${text}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-12-31`)
    expect([cast.status, cast.body.errorCode, cast.body.message]).toEqual([
      409,
      'E2208',
      'Non-numeric data values encountered during outlier value detection',
    ])
    const invalid = await get(`dx=${text}&ou=${w.BJ}&startDate=2026-01-01&endDate=2026-12-31&algorithm=INVALID_NUMERIC`)
    expect(invalid.body.outlierValues).toEqual([
      expect.objectContaining({ de: text, ou: w.RC1, pe: '202609', rawValue: 'Pas de TDR', followup: false }),
    ])
    expect(invalid.body.outlierValues[0].value).toBeUndefined()
  })
})

describe('refusals', () => {
  const conflict = async (query: string, code: string, message: string) => {
    const res = await get(query)
    expect([res.status, res.body.status, res.body.errorCode, res.body.message]).toEqual([409, 'ERROR', code, message])
  }
  it('answers the checks of ValidationOutlierDetectionRequest in its order, 409 with the error code', async () => {
    const dates = 'startDate=2026-01-01&endDate=2026-12-31'
    await conflict(`ou=${w.BJ}&${dates}`, 'E2200', 'At least one data element must be specified')
    await conflict(`ds=notADataSet&dx=nope&ou=${w.BJ}&${dates}`, 'E2200', 'At least one data element must be specified')
    // 2.41 reads data elements from dx; de (2.40's name) is not a parameter any more, and pe never was.
    await conflict(`de=${VAD}&ou=${w.BJ}&${dates}`, 'E2200', 'At least one data element must be specified')
    await conflict(
      `dx=${VAD}&ou=${w.BJ}&pe=2026`,
      'E2201',
      'Start date and end date or relative period must be specified',
    )
    await conflict(
      `dx=${VAD}&ou=${w.BJ}&startDate=2026-01-01`,
      'E2201',
      'Start date and end date or relative period must be specified',
    )
    await conflict(
      `dx=${VAD}&ou=${w.BJ}&startDate=2026-12-31&endDate=2026-01-01`,
      'E2202',
      'Start date must be before end date',
    )
    await conflict(`dx=${VAD}&${dates}`, 'E2203', 'At least one organisation unit must be specified')
    await conflict(`dx=${VAD}&ou=nowhere&${dates}`, 'E2203', 'At least one organisation unit must be specified')
    await conflict(`${base()}&threshold=0`, 'E2204', 'Threshold must be a positive number')
    await conflict(`${base()}&threshold=-2`, 'E2204', 'Threshold must be a positive number')
    await conflict(`${base()}&maxResults=0`, 'E2205', 'Max results must be a positive number')
    await conflict(`${base()}&maxResults=501`, 'E2206', 'Max results exceeds the allowed max limit: `500`')
    await conflict(
      `${base()}&dataStartDate=2026-06-01&dataEndDate=2026-01-01`,
      'E2207',
      'Data start date must be before data end date',
    )
  })

  it('the cap follows keyDataQualityMaxLimit, formatted as Java formats a number', async () => {
    const settings = w.c.standin.ctx.state.systemSettings
    settings.keyDataQualityMaxLimit = 10000
    try {
      await conflict(`${base()}&maxResults=20000`, 'E2206', 'Max results exceeds the allowed max limit: `10,000`')
      expect((await get(`${base()}&maxResults=10000`)).status).toBe(200)
    } finally {
      delete settings.keyDataQualityMaxLimit
    }
  })

  it('a parameter that does not bind is a 400, never a crash', async () => {
    const bad = async (query: string, message: string) => {
      const res = await get(query)
      expect([res.status, res.body.message]).toEqual([400, message])
    }
    await bad(
      `${base()}&algorithm=FOO`,
      "Value 'FOO' is not valid for parameter algorithm. Valid values are: [Z_SCORE, MIN_MAX, MOD_Z_SCORE, INVALID_NUMERIC]",
    )
    await bad(
      `${base()}&orderBy=VALUE`,
      "Value 'VALUE' is not valid for parameter orderBy. Valid values are: [MEAN_ABS_DEV, Z_SCORE]",
    )
    await bad(`${base()}&threshold=abc`, 'Value \'abc\' is not valid for parameter threshold. For input string: "abc"')
    await bad(
      `${base()}&maxResults=1e3`,
      'Value \'1e3\' is not valid for parameter maxResults. For input string: "1e3"',
    )
    await bad(
      `dx=${VAD}&ou=${w.BJ}&startDate=yesterday&endDate=2026-12-31`,
      'Value \'yesterday\' is not valid for parameter startDate. Invalid format: "yesterday"',
    )
    await bad(
      `dx=${VAD}&ou=${w.BJ}&startDate=2026-02-30&endDate=2026-12-31`,
      'Value \'2026-02-30\' is not valid for parameter startDate. Invalid format: "2026-02-30"',
    )
    // Many org units, repeated or comma-separated, are one set.
    const many = await get(
      `dx=${VAD}&${Array.from({ length: 300 }, () => `ou=${w.BJ}`).join('&')}&ou=${w.BJ},${w.ZONE_A}&startDate=2026-01-01&endDate=2026-12-31`,
    )
    expect([many.status, many.body.metadata.count]).toEqual([200, 1])
  })

  it('needs F_RUN_VALIDATION (or ALL)', async () => {
    // Supervisors hold it since metadata 1.1.0 (the data-quality screen); an RC does not.
    const res = await get(base(), 'relais')
    expect([res.status, res.body.message]).toEqual([403, 'Access is denied'])
  })
})

test('DHIS2 2.40 names the data-element parameter de', async () => {
  const c = await startStandin({ version: '2.40.9', now: '2026-11-10T10:00:00Z', months: 0 })
  try {
    const root = c.standin.ctx.state.metadata.organisationUnits.find((o) => o.level === 1)?.id ?? ''
    const byDe = await c.call(
      'GET',
      `/api/outlierDetection?de=${VAD}&ou=${root}&startDate=2026-01-01&endDate=2026-12-31`,
    )
    expect([byDe.status, byDe.body.metadata?.count]).toEqual([200, 0])
    const byDx = await c.call(
      'GET',
      `/api/outlierDetection?dx=${VAD}&ou=${root}&startDate=2026-01-01&endDate=2026-12-31`,
    )
    expect([byDx.status, byDx.body.errorCode]).toEqual([409, 'E2200'])
  } finally {
    await c.close()
  }
})
