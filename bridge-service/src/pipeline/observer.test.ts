/**
 * The pipeline feeds the Prometheus metrics as it works (observer.ts): after a real run against the DHIS2
 * stand-in, the text of /metrics (createMetrics().scrape(), what the route serves) shows the pushes' latency
 * and values; DHIS2 down shows its errors and the circuit opening, then closing once DHIS2 is back.
 */
import { createMetrics, METRIC_NAMES } from '../api/metrics'
import { pgTestDatabase } from '../ledger/test-support'
import { MANAGER, partnerCsv, startHarness, type Harness } from './test-support'

const metrics = createMetrics({ defaultMetrics: false })
let h: Harness

beforeAll(async () => {
  h = await startHarness({
    database: pgTestDatabase(),
    pipeline: {
      observer: metrics,
      retry: { maxAttempts: 12, backoff: { baseMs: 50, capMs: 400 } },
      circuitBreaker: { failureThreshold: 2, coolDownMs: 300 },
    },
  })
}, 30_000)
afterAll(() => h?.dispose())
afterEach(() => h.faults())

/** The value of one sample line of the exposition (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

test('after a run, /metrics shows the push latency and the values sent', async () => {
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'metrics.csv', body: partnerCsv([{ rc: 'RC-BO-00001' }]), mode: 'import' },
    MANAGER,
  )
  expect(await h.runEnded(run.id)).toBe('completed')
  const text = await metrics.scrape()
  const posts = h.posts().length
  expect(posts).toBeGreaterThan(0)
  expect(sample(text, `${METRIC_NAMES.pushDuration}_count`)).toBe(posts)
  expect(sample(text, `${METRIC_NAMES.pushDuration}_sum`)).toBeGreaterThan(0)
  expect(sample(text, `${METRIC_NAMES.pushedValues}`)).toBeGreaterThan(0)
  expect(sample(text, METRIC_NAMES.circuitState, `{target="${h.standin.url}"}`)).toBe(0)
})

test('DHIS2 down: its errors are counted and the circuit shows open, then closed once DHIS2 is back', async () => {
  const states: string[] = []
  h.pipeline.breakers.for(h.standin.url).onStateChange((_from, to) => states.push(to))
  await h.faults({ down: true, paths: 'dataValueSets' })
  const run = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'down.csv', body: partnerCsv([{ rc: 'RC-BO-00002' }]), mode: 'import' },
    MANAGER,
  )
  const deadline = Date.now() + 10_000
  while (!states.includes('open') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  const whileDown = await metrics.scrape()
  expect(whileDown).toMatch(
    new RegExp(`^${METRIC_NAMES.dhis2Errors}\\{kind="transient",reason="[a-z-]+"\\} [1-9]`, 'm'),
  )
  expect(states).toContain('open')
  await h.faults()
  expect(await h.runEnded(run.id, 20_000)).toBe('completed')
  expect(sample(await metrics.scrape(), METRIC_NAMES.circuitState, `{target="${h.standin.url}"}`)).toBe(0)
})
