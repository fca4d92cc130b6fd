/**
 * The DHIS2-paced mode (`pace`, src/http/pace.ts): imports and reads of dataValueSets take at least their
 * modelled time, values are stored exactly as without pacing, and no more than `concurrency` requests are in
 * service at once — the others wait their turn.
 */
import { costOf, type Pace } from '../src/http/pace'
import { uid } from '../src/seed'
import { startStandin, type Client } from './support'

/** Large enough that timer slack (a few ms) cannot make a too-short request pass. */
const PACE: Pace = {
  import: { perRequestMs: 80, perValueMs: 2 },
  read: { perRequestMs: 40, perValueMs: 1 },
  concurrency: 2,
}
const NOW = '2026-10-10T10:00:00Z'
const DS = uid('dataSet', 'RC_MENSUEL')
const DEFAULT = uid('categoryOptionCombo', 'default')

let paced: Client
let plain: Client
const imported: { values: number; at: number }[] = []
beforeAll(async () => {
  paced = await startStandin({
    seed: 'small',
    now: NOW,
    months: 0,
    pace: PACE,
    onImport: (e) => imported.push({ values: e.payload.dataValues?.length ?? 0, at: e.at }),
  })
  plain = await startStandin({ seed: 'small', now: NOW, months: 0 })
})
afterAll(async () => {
  await paced.close()
  await plain.close()
})

/** RCs of the small seed (same ids in both stand-ins: the seed is deterministic). */
const rcs = () => paced.standin.ctx.state.metadata.organisationUnits.filter((o) => o.code?.startsWith('RC-'))
/** The data elements of RC_MENSUEL with the default combo. */
const dataElements = () => {
  const { objects, defaultCategoryCombo } = paced.standin.ctx.index.metadata
  return objects.dataSets.byId
    .get(DS)!
    .dataSetElements.map((e) => objects.dataElements.byId.get(e.dataElement.id)!)
    .filter((de) => de.valueType === 'INTEGER_ZERO_OR_POSITIVE' && de.categoryCombo.id === defaultCategoryCombo.id)
}

function payload(rc: number, count: number, period = '202609') {
  const ou = rcs()[rc]!.id
  return {
    dataValues: dataElements()
      .slice(0, count)
      .map((de, i) => ({
        dataElement: de.id,
        period,
        orgUnit: ou,
        categoryOptionCombo: DEFAULT,
        value: String(i + 1),
      })),
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now()
  const result = await work()
  return { ms: performance.now() - started, result }
}

test('an import takes at least its modelled time and stores what an unpaced stand-in stores', async () => {
  const body = payload(0, 8)
  expect(body.dataValues.length).toBe(8)
  const { ms, result } = await timed(() => paced.call('POST', '/api/dataValueSets', { body }))
  expect(result.status).toBe(200)
  expect(ms).toBeGreaterThanOrEqual(costOf(PACE.import, 8) - 1)
  const reference = await plain.call('POST', '/api/dataValueSets', { body })
  expect(result.body.response.importCount).toEqual(reference.body.response.importCount)
  expect(result.body.response.importCount.imported).toBe(8)
  // Stored exactly alike: the same keys with the same values (timestamps aside).
  const held = (c: Client) =>
    [...c.standin.ctx.state.dataValues.valuesOf(rcs()[0]!.id)]
      .map((v) => `${v.dataElement}|${v.period}|${v.categoryOptionCombo}|${v.attributeOptionCombo}=${v.value}`)
      .sort()
  expect(held(paced)).toEqual(held(plain))
  expect(held(paced)).toHaveLength(8)
  // onImport came once, after the modelled time.
  expect(imported.at(-1)?.values).toBe(8)
})

test('a read takes at least its modelled time and answers what an unpaced stand-in answers', async () => {
  const query = `/api/dataValueSets?dataSet=${DS}&period=202609&orgUnit=${rcs()[0]!.id}`
  const { ms, result } = await timed(() => paced.call('GET', query))
  expect(result.status).toBe(200)
  expect(result.body.dataValues).toHaveLength(8)
  expect(ms).toBeGreaterThanOrEqual(costOf(PACE.read, 8) - 1)
  const reference = await plain.call('GET', query)
  const strip = (values: Record<string, unknown>[]) =>
    values.map(({ dataElement, period, orgUnit, categoryOptionCombo, value }) => ({
      dataElement,
      period,
      orgUnit,
      categoryOptionCombo,
      value,
    }))
  expect(strip(result.body.dataValues)).toEqual(strip(reference.body.dataValues))
})

test('no more than `concurrency` requests are served at once; the others wait their turn', async () => {
  const pacer = paced.standin.ctx.pacer!
  pacer.peak = 0
  const each = costOf(PACE.import, 4)
  const { ms, result } = await timed(() =>
    Promise.all(
      [1, 2, 3, 4, 5, 6].map((rc) => paced.call('POST', '/api/dataValueSets', { body: payload(rc, 4, '202608') })),
    ),
  )
  expect(result.every((r) => r.status === 200 && r.body.response.importCount.imported === 4)).toBe(true)
  expect(pacer.peak).toBe(PACE.concurrency)
  // 6 requests on 2 slots: at least 3 rounds of one request's cost.
  expect(ms).toBeGreaterThanOrEqual(3 * each - 1)
  // ... and the imports became readable in rounds, two at a time.
  const times = imported
    .slice(-6)
    .map((e) => e.at)
    .sort((a, b) => a - b)
  expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(each - 5)
  expect(times[4]! - times[2]!).toBeGreaterThanOrEqual(each - 5)
})

test('an unknown preset is refused', async () => {
  // @ts-expect-error -- the preset's name is checked at run time too (the CLI passes strings)
  await expect(startStandin({ pace: 'dhis2-1.0' })).rejects.toThrow('Unknown pace preset')
})
