jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../../ledger/test-support')>('../../ledger/test-support').nativePglite(),
)

/**
 * Quarantine and the data manager's actions, on PGlite: late data (period locked by expiryDays) unless the
 * source allows it, cross-source duplicates, invalid rows with the mapper's errors; release (re-validated,
 * corrected or not), discard with a reason, retry of failed records, cancel, replay — each audited.
 */
import { readFileSync } from 'node:fs'
import { repositories } from '../../ledger'
import { pgliteTestDatabase } from '../../ledger/test-support'
import { StateConflictError } from '../services'
import { MANAGER, MAPPINGS, partnerCsv, startHarness, waitFor, type Harness } from '../test-support'

let h: Harness

beforeAll(async () => {
  h = await startHarness({
    database: pgliteTestDatabase(),
    sources: { webhook: { allowLateData: true } },
    pipeline: {
      retry: { maxAttempts: 2, backoff: { baseMs: 20, capMs: 100 } },
      circuitBreaker: { failureThreshold: 50, coolDownMs: 200 },
    },
  })
}, 60_000)
afterAll(() => h?.dispose())
afterEach(() => h.faults())

const upload = async (body: Buffer, filename: string) =>
  h.pipeline.upload({ source: 'csv-partenaires', filename, body, mode: 'import' }, MANAGER)

const recordOf = async (runId: string, sourceKey: string) => {
  const [record] = (await repositories(h.db).records.search({ runId, sourceKey })).items
  if (!record) throw new Error(`no record ${sourceKey} in run ${runId}`)
  return record
}
const lastEvent = async (id: string) => (await repositories(h.db).events.forRecord(id)).at(-1)
const webhookRow = (rc: string, mois: string, vad: string) => {
  const [row] = JSON.parse(readFileSync(`${MAPPINGS}/samples/partenaires.clean.records.json`, 'utf8')) as Record<
    string,
    string
  >[]
  return { ...row, code_rc: rc, mois, vad }
}

describe('late data', () => {
  test('a period DHIS2 locks (expiryDays) is quarantined as late, with DHIS2’s E7640; nothing sent', async () => {
    const posts = h.posts().length
    const run = await upload(partnerCsv([{ rc: 'RC-AL-00001', mois: '2026-08' }]), 'late.csv')
    expect(await h.runEnded(run.id)).toBe('completed')
    const record = await recordOf(run.id, 'RC-AL-00001|2026-08')
    expect(record).toMatchObject({ status: 'quarantined', reason: 'late', period: '202608' })
    const event = await lastEvent(record.id)
    expect(event?.detail).toMatchObject({ errors: [expect.objectContaining({ code: 'E7640', field: 'mois' })] })
    expect(h.posts().length).toBe(posts)

    // A data manager releases it: the lock is theirs to pass; it is imported and the release audited.
    expect(await h.pipeline.release(record.id, MANAGER)).toEqual({ status: 'mapped' })
    await waitFor(
      async () => (await repositories(h.db).records.get(record.id))?.status === 'imported',
      10_000,
      'import',
    )
    expect((await h.values('202608')).get('RC-AL-00001|RC_VAD|default')).toBe('25')
    const audit = await repositories(h.db).audit.list({ action: 'quarantine.release', target: `record:${record.id}` })
    expect(audit.items[0]).toMatchObject({ actor: MANAGER.name, detail: { outcome: 'released', reason: 'late' } })
  })

  test('a source that allows late data imports it directly', async () => {
    const delivery = await h.pipeline.receive({
      source: 'webhook-partenaires',
      records: [webhookRow('RC-AL-00002', '2026-08', '41')],
    })
    expect(await h.runEnded(delivery.runId)).toBe('completed')
    expect(Object.values(await h.statuses(delivery.runId))).toEqual(['imported'])
    expect((await h.values('202608')).get('RC-AL-00002|RC_VAD|default')).toBe('41')
  })
})

describe('cross-source duplicates', () => {
  test('another source already gave a different value for the same key: quarantined as duplicate; discard audited', async () => {
    const csvRun = await upload(partnerCsv([{ rc: 'RC-MO-00001' }]), 'mo.csv')
    expect(await h.runEnded(csvRun.id)).toBe('completed')
    const delivery = await h.pipeline.receive({
      source: 'webhook-partenaires',
      records: [webhookRow('RC-MO-00001', '2026-09', '77')],
    })
    expect(await h.runEnded(delivery.runId)).toBe('completed')
    const [record] = (await repositories(h.db).records.search({ runId: delivery.runId })).items
    expect(record).toMatchObject({ status: 'quarantined', reason: 'duplicate' })
    expect((await lastEvent(record!.id))?.detail).toMatchObject({
      duplicates: [expect.objectContaining({ value: '77', existingSource: 'csv-partenaires' })],
    })
    expect((await h.values('202609')).get('RC-MO-00001|RC_VAD|default')).toBe('25')

    await expect(h.pipeline.discard(record!.id, MANAGER, '   ')).rejects.toBeInstanceOf(StateConflictError)
    await h.pipeline.discard(record!.id, MANAGER, 'the partner file is the reference')
    expect(await repositories(h.db).records.get(record!.id)).toMatchObject({
      status: 'discarded',
      reason: 'the partner file is the reference',
    })
    const audit = await repositories(h.db).audit.list({ action: 'quarantine.discard' })
    expect(audit.items[0]).toMatchObject({ actor: MANAGER.name, target: `record:${record!.id}` })
    await expect(h.pipeline.discard(record!.id, MANAGER, 'again')).rejects.toBeInstanceOf(StateConflictError)
  })
})

describe('invalid rows and release with a correction', () => {
  test('the mapper’s errors are kept; a still-wrong correction stays quarantined; a good one is re-validated and imported', async () => {
    const text = partnerCsv([{ rc: 'RC-MO-00002' }])
      .toString('utf8')
      .replace(/,25,3,(oui|non),/, ',vingt,3,$1,')
    const run = await upload(Buffer.from(text), 'invalid.csv')
    expect(await h.runEnded(run.id)).toBe('completed')
    const record = await recordOf(run.id, 'RC-MO-00002|2026-09')
    expect(record).toMatchObject({ status: 'quarantined', reason: 'invalid' })
    const detail = (await lastEvent(record.id))?.detail as {
      errors: { code: string; field?: string; raw?: string; message: { fr: string; en: string } }[]
    }
    expect(detail.errors).toEqual([
      expect.objectContaining({
        field: 'vad',
        raw: 'vingt',
        message: { fr: expect.any(String), en: expect.any(String) },
      }),
    ])

    const raw = (await repositories(h.db).records.get(record.id))!.raw as Record<string, string>
    const stillWrong = await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '-4' })
    expect(stillWrong.status).toBe('quarantined')
    expect(stillWrong.errors).toEqual([expect.objectContaining({ field: 'vad' })])
    expect((await repositories(h.db).records.get(record.id))?.status).toBe('quarantined')

    expect(await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '20' }, 'Vérifié avec le RC')).toEqual({
      status: 'mapped',
    })
    await waitFor(
      async () => (await repositories(h.db).records.get(record.id))?.status === 'imported',
      10_000,
      'import',
    )
    expect((await h.values('202609')).get('RC-MO-00002|RC_VAD|default')).toBe('20')
    const history = await repositories(h.db).events.forRecord(record.id)
    // Its moves (the completion stage may add a note, status unchanged, after the last one).
    expect(history.filter((e) => e.fromStatus !== e.toStatus).map((e) => e.toStatus)).toEqual([
      'received',
      'quarantined',
      'mapped',
      'imported',
    ])
    expect(history[2]).toMatchObject({
      actor: MANAGER.name,
      detail: {
        corrected: { vad: '20' },
        // What the person corrected, before → after, and why: the history says it in words.
        corrections: [{ field: 'vad', before: 'vingt', after: '20' }],
        note: 'Vérifié avec le RC',
        previousReason: 'invalid',
      },
    })
    const audit = await repositories(h.db).audit.list({ action: 'quarantine.release', target: `record:${record.id}` })
    expect(audit.items.map((a) => (a.detail as { outcome: string }).outcome)).toEqual(['released', 'still-invalid'])
    await expect(h.pipeline.release(record.id, MANAGER)).rejects.toBeInstanceOf(StateConflictError)
  })
})

describe('failed records, retry, cancel, replay', () => {
  test('after N transient failures a record is failed; retry-failed sends it again', async () => {
    await h.faults({ errorRate: 1, paths: 'dataValueSets' })
    const run = await upload(partnerCsv([{ rc: 'RC-OU-00001' }]), 'fails.csv')
    expect(await h.runEnded(run.id)).toBe('completed')
    const record = await recordOf(run.id, 'RC-OU-00001|2026-09')
    expect(record).toMatchObject({ status: 'failed', attempts: 2 })
    expect(record.lastError).toMatchObject({ kind: 'transient', reason: 'http' })
    await h.faults()
    expect(await h.pipeline.retryFailed(run.id, MANAGER)).toEqual({ retried: 1 })
    await waitFor(
      async () => (await repositories(h.db).records.get(record.id))?.status === 'imported',
      10_000,
      'import',
    )
    expect((await repositories(h.db).records.get(record.id))?.attempts).toBe(0)
    expect((await repositories(h.db).audit.list({ action: 'run.retry-failed' })).items[0]).toMatchObject({
      target: `run:${run.id}`,
      detail: { retried: 1 },
    })
  })

  test('cancel: records not sent yet are failed as cancelled, nothing is sent, the run is cancelled', async () => {
    await h.pipeline.queues.push.pause()
    const posts = h.posts().length
    try {
      const run = await upload(partnerCsv([{ rc: 'RC-OU-00002' }, { rc: 'RC-OU-00003' }]), 'cancel.csv')
      await waitFor(async () => Object.values(await h.statuses(run.id)).every((s) => s === 'mapped'), 10_000, 'mapped')
      await h.pipeline.cancelRun(run.id, MANAGER)
      expect((await repositories(h.db).runs.get(run.id))?.status).toBe('cancelled')
      expect(Object.values(await h.statuses(run.id))).toEqual(['failed', 'failed'])
      await expect(h.pipeline.cancelRun(run.id, MANAGER)).rejects.toBeInstanceOf(StateConflictError)
      await expect(h.pipeline.retryFailed(run.id, MANAGER)).rejects.toBeInstanceOf(StateConflictError)
      expect((await repositories(h.db).audit.list({ action: 'run.cancel' })).items[0]).toMatchObject({
        target: `run:${run.id}`,
      })
    } finally {
      await h.pipeline.queues.push.resume()
    }
    await new Promise((r) => setTimeout(r, 200))
    expect(h.posts().length).toBe(posts)
  })

  test('start a run of a file source: its last upload is replayed, and ends unchanged', async () => {
    const first = await upload(partnerCsv([{ rc: 'RC-PL-00001' }]), 'replay.csv')
    expect(await h.runEnded(first.id)).toBe('completed')
    const replay = await h.pipeline.startRun('csv-partenaires', 'import', MANAGER)
    expect(await h.runEnded(replay.id)).toBe('completed')
    expect(Object.values(await h.statuses(replay.id))).toEqual(['unchanged'])
    expect((await repositories(h.db).audit.list({ action: 'run.start' })).items[0]).toMatchObject({
      actor: MANAGER.name,
      detail: { source: 'csv-partenaires', mode: 'import' },
    })
  })
})

describe('a correction fixes values, it does not move a record (issue 11 §10)', () => {
  test('another RC or another month is refused; the audit names the changed fields, never the payload', async () => {
    const text = partnerCsv([{ rc: 'RC-MO-00003' }])
      .toString('utf8')
      .replace(/,25,3,(oui|non),/, ',vingt,3,$1,')
    const run = await upload(Buffer.from(text), 'move.csv')
    expect(await h.runEnded(run.id)).toBe('completed')
    const record = await recordOf(run.id, 'RC-MO-00003|2026-09')
    expect(record).toMatchObject({ status: 'quarantined', reason: 'invalid' })
    const raw = (await repositories(h.db).records.get(record.id))!.raw as Record<string, string>

    const toOther = await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '20', code_rc: 'RC-MO-00004' })
    expect(toOther).toMatchObject({ status: 'quarantined', errors: [{ code: 'RELEASE_MOVES_ORG_UNIT' }] })
    const toMonth = await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '20', mois: '2026-08' })
    expect(toMonth.errors?.[0]).toMatchObject({ code: 'RELEASE_MOVES_PERIOD' })
    const poisoned = await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '20', difficultes: 'a\u0000b' })
    expect(poisoned).toMatchObject({ status: 'quarantined', errors: [{ code: 'TEXT_CLEANED' }] })
    expect((await repositories(h.db).records.get(record.id))?.status).toBe('quarantined')

    const audit = await repositories(h.db).audit.list({ action: 'quarantine.release', target: `record:${record.id}` })
    expect(audit.items).toHaveLength(3)
    for (const item of audit.items) {
      expect(JSON.stringify(item.detail)).not.toContain(raw.difficultes)
      expect(item.detail).not.toHaveProperty('correctedPayload')
    }
    expect(audit.items.at(-1)?.detail).toMatchObject({ changedFields: ['code_rc', 'vad'] })

    expect(await h.pipeline.release(record.id, MANAGER, { ...raw, vad: '20' }, 'Vérifié avec le RC')).toEqual({
      status: 'mapped',
    })
  })
})
