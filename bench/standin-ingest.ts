/**
 * Ingest speed of the DHIS2 stand-in's `POST /api/dataValueSets` (run: `npx tsx bench/standin-ingest.ts`).
 *
 * Starts the stand-in (seed small, no seeded reports) on a free port, builds 100,000 valid values of
 * RC_MENSUEL spread over every RC org unit and the months before the clock's (all open for the
 * bridge's service account, which holds F_EDIT_EXPIRED), and posts them over real HTTP with the
 * bridge's API token: once in one request, then — on a fresh stand-in — in chunks of 10,000. As a
 * reference measured in the same run it times `JSON.parse` of the same payload plus a bare `Map.set`
 * loop over its values, and prints the ratio. Exits with 1 when a mode is below 50,000 values/s.
 */
import { addPeriods, periodForDate } from '@relais/mappings'
import { createStandin, type Standin, DEMO_BRIDGE_TOKEN, uid } from '@relais/dhis2-standin'

const TOTAL = 100_000
const CHUNK = 10_000
const THRESHOLD = 50_000
const NOW = '2026-10-10T10:00:00Z'

interface Value {
  dataElement: string
  period: string
  orgUnit: string
  categoryOptionCombo: string
  attributeOptionCombo: string
  value: string
}

function buildValues(standin: Standin): Value[] {
  const index = standin.ctx.index.metadata
  const dataSet = index.objects.dataSets.byId.get(uid('dataSet', 'RC_MENSUEL'))
  if (!dataSet) throw new Error('RC_MENSUEL missing from the seed')
  const aoc = index.defaultCategoryOptionComboId
  // Every (data element, category option combo) operand of the form.
  const operands: { de: string; coc: string; valueType: string }[] = []
  for (const dse of dataSet.dataSetElements) {
    const element = index.objects.dataElements.byId.get(dse.dataElement.id)
    if (!element) continue
    const combo = index.objects.categoryCombos.byId.get(index.categoryComboOf(element, dataSet))
    for (const coc of combo?.categoryOptionCombos ?? [])
      operands.push({ de: element.id, coc: coc.id, valueType: element.valueType })
  }
  const rcs = dataSet.organisationUnits.map((o) => o.id)
  const perMonth = operands.length * rcs.length
  const months = Math.ceil(TOTAL / perMonth)
  // The months before the current one (the current month is not open: openFuturePeriods 0).
  let period = addPeriods(periodForDate('Monthly', NOW.slice(0, 10)), -1)
  const values: Value[] = []
  for (let m = 0; m < months && values.length < TOTAL; m++, period = addPeriods(period, -1)) {
    for (const orgUnit of rcs) {
      for (const { de, coc, valueType } of operands) {
        if (values.length === TOTAL) break
        const n = values.length
        const value =
          valueType === 'BOOLEAN'
            ? n % 2 === 0
              ? 'true'
              : 'false'
            : valueType === 'LONG_TEXT'
              ? `Difficulté ${n}`
              : String(1 + (n % 97))
        values.push({
          dataElement: de,
          period: period.id,
          orgUnit,
          categoryOptionCombo: coc,
          attributeOptionCombo: aoc,
          value,
        })
      }
    }
  }
  return values
}

const payload = (values: Value[]) => JSON.stringify({ dataValues: values })

async function post(
  url: string,
  body: string,
  query = '',
): Promise<{ status: number; summary: { importCount: Record<string, number>; status: string } }> {
  const response = await fetch(`${url}/api/dataValueSets${query}`, {
    method: 'POST',
    headers: { Authorization: `ApiToken ${DEMO_BRIDGE_TOKEN}`, 'Content-Type': 'application/json' },
    body,
  })
  const answer = (await response.json()) as { response: { importCount: Record<string, number>; status: string } }
  return { status: response.status, summary: answer.response }
}

async function measure(label: string, chunkSize: number): Promise<number> {
  const standin = createStandin({ seed: 'small', now: NOW, months: 0 })
  const url = await standin.listen(0)
  try {
    const values = buildValues(standin)
    // The client's serialisation is not the server's work: bodies are built before the clock starts.
    const bodies: string[] = []
    for (let i = 0; i < values.length; i += chunkSize) bodies.push(payload(values.slice(i, i + chunkSize)))
    // Warm-up (JIT, metadata caches): a dry run of one chunk writes nothing.
    await post(url, payload(values.slice(0, CHUNK)), '?dryRun=true')
    const started = process.hrtime.bigint()
    let imported = 0
    for (const body of bodies) {
      const { status, summary } = await post(url, body)
      if (status !== 200 || summary.status !== 'SUCCESS')
        throw new Error(`${label}: HTTP ${status}, ${JSON.stringify(summary).slice(0, 500)}`)
      imported += summary.importCount.imported ?? 0
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    if (imported !== values.length) throw new Error(`${label}: imported ${imported} of ${values.length}`)
    if (standin.ctx.state.dataValues.size !== values.length)
      throw new Error(`${label}: store holds ${standin.ctx.state.dataValues.size}`)
    const rate = values.length / seconds
    console.log(
      `${label.padEnd(34)} ${values.length} values in ${seconds.toFixed(3)} s = ${Math.round(rate).toLocaleString('en')} values/s`,
    )
    return rate
  } finally {
    await standin.close()
  }
}

/** The floor: parsing the same payload and putting every value in a Map, nothing else. */
function reference(): number {
  const standin = createStandin({ seed: 'small', now: NOW, months: 0 })
  const text = JSON.stringify({ dataValues: buildValues(standin) })
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < 3; run++) {
    const started = process.hrtime.bigint()
    const parsed = JSON.parse(text) as { dataValues: Value[] }
    const map = new Map<string, string>()
    for (const v of parsed.dataValues)
      map.set(`${v.dataElement}|${v.period}|${v.orgUnit}|${v.categoryOptionCombo}|${v.attributeOptionCombo}`, v.value)
    if (map.size !== TOTAL) throw new Error(`reference: ${map.size} keys`)
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9)
  }
  const rate = TOTAL / best
  console.log(
    `${'reference: JSON.parse + Map.set'.padEnd(34)} ${TOTAL} values in ${best.toFixed(3)} s = ${Math.round(rate).toLocaleString('en')} values/s (payload ${(text.length / 1e6).toFixed(1)} MB)`,
  )
  return rate
}

async function main(): Promise<void> {
  console.log(`Stand-in ingest bench: ${TOTAL.toLocaleString('en')} RC_MENSUEL values, Node ${process.version}`)
  const single = await measure('one request', TOTAL)
  const chunked = await measure(`chunks of ${CHUNK.toLocaleString('en')}`, CHUNK)
  const floor = reference()
  console.log(
    `ratio stand-in / reference: one request ${(single / floor).toFixed(2)}, chunks ${(chunked / floor).toFixed(2)}`,
  )
  const slow = [single, chunked].some((rate) => rate < THRESHOLD)
  console.log(
    slow
      ? `FAIL: below ${THRESHOLD.toLocaleString('en')} values/s`
      : `OK: both at or above ${THRESHOLD.toLocaleString('en')} values/s`,
  )
  process.exitCode = slow ? 1 : 0
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
