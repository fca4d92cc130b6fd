/**
 * Outbound webhooks through the real pipeline (issue 19 §4, done-when « an outbound webhook delivered and retried
 * through a failure »): a partner CSV upload into the DHIS2 stand-in; its run's end and its reports' completions
 * reach a partner that answers 503 twice before accepting, signed with the shared secret, with no personal data.
 */
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { pgTestDatabase } from '../ledger/test-support'
import {
  KOBO_TOKEN,
  MANAGER,
  MAPPINGS,
  startHarness,
  waitFor,
  WEBHOOK_SECRET,
  type Harness,
} from '../pipeline/test-support'
import { receiver, SECRET } from './test-support'

jest.setTimeout(90_000)

const REDIS_URL = 'redis://127.0.0.1:6379/6'
const prefix = `relais-outbound-pipe-${randomBytes(4).toString('hex')}`
let h: Harness | undefined
let partner: Awaited<ReturnType<typeof receiver>>
let runFinishedCalls = 0

beforeAll(async () => {
  // run.finished: twice 503 (the second with a Retry-After of 1 s), then 200; report.completed: 200 at once.
  partner = await receiver((call) => {
    if (call.headers['x-relais-event'] !== 'run.finished') return { status: 200 }
    runFinishedCalls++
    if (runFinishedCalls === 1) return { status: 503 }
    if (runFinishedCalls === 2) return { status: 503, headers: { 'Retry-After': '1' } }
    return { status: 200 }
  })
  h = await startHarness({
    database: pgTestDatabase(),
    outbound: [
      {
        name: 'partenaire-suivi',
        url: partner.url,
        secretEnv: 'PARTNER_SECRET',
        events: ['run.finished', 'report.completed'],
      },
    ],
    pipeline: {
      redis: { url: REDIS_URL, prefix },
      env: { KOBO_TEST_TOKEN: KOBO_TOKEN, WEBHOOK_TEST_SECRET: WEBHOOK_SECRET, PARTNER_SECRET: SECRET },
    },
  })
})

afterAll(async () => {
  await h?.dispose()
  await partner?.close()
  const redis = new Redis(REDIS_URL)
  try {
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length > 0) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
})

test('a run’s end is retried through two 503 and delivered; each completed report is announced', async () => {
  const outbound = h!.pipeline.outbound!
  expect(outbound).toBeDefined()
  const csv = readFileSync(`${MAPPINGS}/samples/partenaires.clean.csv`)
  const started = await h!.pipeline.upload(
    { source: 'csv-partenaires', filename: 'partenaires.clean.csv', body: csv, mode: 'import' },
    MANAGER,
  )
  expect(await h!.runEnded(started.id)).toBe('completed')

  // Found by the pipeline's own search (every 5 s), not by a call from the test.
  const delivered = await waitFor(
    async () => {
      const list = await outbound.list({ subscription: 'partenaire-suivi' }, { pageSize: 100 })
      const run = list.items.find((d) => d.event === 'run.finished' && d.payload.runId === started.id)
      return run?.status === 'delivered' ? run : undefined
    },
    30_000,
    'the run.finished delivery',
  )
  expect(delivered.attempts).toBe(3)
  expect(delivered.history.map((a) => a.httpStatus)).toEqual([503, 503, 200])
  expect(delivered.payload).toMatchObject({ source: 'csv-partenaires', status: 'completed', counts: { imported: 4 } })

  const completed = await waitFor(async () => {
    const list = await outbound.list({ subscription: 'partenaire-suivi' }, { pageSize: 100 })
    const reports = list.items.filter((d) => d.event === 'report.completed')
    return reports.length === 4 && reports.every((d) => d.status === 'delivered') ? reports : undefined
  })
  for (const report of completed) {
    expect(report.payload).toMatchObject({ source: 'csv-partenaires', period: '202609' })
    expect(report.payload.orgUnitCode).toMatch(/^RC-BO-0000[1-4]$/)
  }
  expect(partner.calls.every((c) => c.signatureOk && !c.signatureWithOtherSecret)).toBe(true)
  // Nothing of the CSV's rows but codes and counts: none of its other cells is in any body.
  const cells = new Set(
    csv
      .toString('utf8')
      .split('\n')
      .slice(1)
      .flatMap((line) => line.split(',').slice(2))
      .filter((cell) => /[A-Za-zÀ-ÿ]{3,}/.test(cell)),
  )
  for (const call of partner.calls) for (const cell of cells) expect(call.body).not.toContain(cell)
})
