jest.mock('@electric-sql/pglite', () =>
  jest.requireActual<typeof import('../ledger/test-support')>('../ledger/test-support').nativePglite(),
)

/**
 * Retention of raw payloads (issue 17 §2) on both ledgers: done records past their source's days move to the
 * monthly archive of their month of arrival; records in flight or in quarantine, recent ones and other sources'
 * keep theirs; the record keeps its hashes, status and history and names its file, from which its payload reads
 * back; the archive's manifest counts and hashes the file; a second run finds nothing; the run is audited.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrate, repositories, type Db } from '../ledger'
import type { NewRecord } from '../ledger/records'
import { TEST_DATABASES, type TestDatabase } from '../ledger/test-support'
import { archivePayloads, findArchivedPayload, PURGE_ACTION, type ArchiveManifest } from './payload-archive'

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex')
const NOW = new Date('2026-12-06T04:10:00Z')

describe.each(TEST_DATABASES)('payload retention on %s', (_name, make) => {
  let t: TestDatabase
  let db: Db
  const archiveDir = mkdtempSync(join(tmpdir(), 'relais-archive-'))

  async function add(source: string, key: string, createdAt: string, status: string): Promise<string> {
    const raw = { code_rc: 'RC-AQ-00001', key, note: 'Zoé « 1 »' }
    const record: NewRecord = { source, sourceKey: key, version: 'v1', contentHash: hash(raw), raw }
    const [outcome] = await repositories(db).records.insertMany([record], { actor: 'test' })
    const id = (outcome as { id: string }).id
    const reason = status === 'quarantined' ? 'invalid' : status === 'discarded' ? 'duplicate' : null
    await db.query('UPDATE records SET created_at = $2, status = $3, reason = $4 WHERE id = $1', [
      id,
      createdAt,
      status,
      reason,
    ])
    return id
  }

  beforeAll(async () => {
    t = make()
    db = await t.open()
    await migrate(db)
  }, 60_000)
  afterAll(() => t?.dispose())

  test('done records past the retention go to their month’s archive; the rest stay', async () => {
    const may = await add('kobo', 'k1', '2026-05-20T10:00:00Z', 'imported')
    const may2 = await add('kobo', 'k2', '2026-05-31T23:30:00Z', 'unchanged')
    const june = await add('kobo', 'k3', '2026-06-02T08:00:00Z', 'discarded')
    const quarantined = await add('kobo', 'k4', '2026-05-21T10:00:00Z', 'quarantined')
    const inFlight = await add('kobo', 'k5', '2026-05-22T10:00:00Z', 'mapped')
    const recent = await add('kobo', 'k6', '2026-11-30T10:00:00Z', 'imported')
    const otherSource = await add('csv', 'c1', '2026-05-20T10:00:00Z', 'imported')
    const policies = [
      { source: 'kobo', days: 180 },
      { source: 'csv', days: 365 },
    ]

    const dry = await archivePayloads(db, { archiveDir, policies, now: NOW, dryRun: true })
    expect(dry.sources.map((s) => [s.source, s.archived])).toEqual([
      ['kobo', 3],
      ['csv', 0],
    ])
    expect((await repositories(db).records.get(may))!.raw).not.toBeNull()

    const report = await archivePayloads(db, { archiveDir, policies, now: NOW, actor: 'test' })
    expect(report.sources[0]).toMatchObject({ archived: 3, files: ['kobo/2026-05.jsonl.gz', 'kobo/2026-06.jsonl.gz'] })
    const records = repositories(db).records
    for (const [id, file] of [
      [may, 'kobo/2026-05.jsonl.gz'],
      [may2, 'kobo/2026-05.jsonl.gz'],
      [june, 'kobo/2026-06.jsonl.gz'],
    ] as const) {
      const record = (await records.get(id))!
      expect({ raw: record.raw, payloadArchive: record.payloadArchive }).toEqual({ raw: null, payloadArchive: file })
      // Explained still: its hash, status and history are in the ledger, its payload in the file.
      expect(record.contentHash).toMatch(/^[0-9a-f]{64}$/)
      const line = await findArchivedPayload(archiveDir, file, id)
      expect(line).toMatchObject({ id, source: 'kobo', contentHash: record.contentHash })
      expect(line!.raw).toEqual({ code_rc: 'RC-AQ-00001', key: record.sourceKey, note: 'Zoé « 1 »' })
    }
    for (const id of [quarantined, inFlight, recent, otherSource])
      expect((await records.get(id))!.payloadArchive).toBeNull()

    const manifest = JSON.parse(
      readFileSync(join(archiveDir, 'kobo', '2026-05.manifest.json'), 'utf8'),
    ) as ArchiveManifest
    const file = readFileSync(join(archiveDir, 'kobo', '2026-05.jsonl.gz'))
    expect(manifest).toMatchObject({ source: 'kobo', month: '2026-05', records: 2, bytes: file.length })
    expect(manifest.sha256).toBe(createHash('sha256').update(file).digest('hex'))

    // Nothing left to do; one purge in the audit log.
    expect((await archivePayloads(db, { archiveDir, policies, now: NOW })).sources[0]!.archived).toBe(0)
    const purges = await db.query<{ detail: unknown }>('SELECT detail FROM audit_log WHERE action = $1', [PURGE_ACTION])
    expect(purges).toHaveLength(1)
  })

  test('a later run appends to the month’s file: both payloads read back, the manifest counts both', async () => {
    const late = await add('kobo', 'k7', '2026-05-25T10:00:00Z', 'failed')
    await archivePayloads(db, { archiveDir, policies: [{ source: 'kobo', days: 180 }], now: NOW })
    const manifest = JSON.parse(
      readFileSync(join(archiveDir, 'kobo', '2026-05.manifest.json'), 'utf8'),
    ) as ArchiveManifest
    expect(manifest.records).toBe(3)
    expect(await findArchivedPayload(archiveDir, 'kobo/2026-05.jsonl.gz', late)).toMatchObject({ id: late })
  })
})

test('an archive file missing, not gzip or cut short is an error to report, never a crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relais-archive-'))
  await expect(findArchivedPayload(dir, 'kobo/2026-01.jsonl.gz', 'r1')).rejects.toThrow(/ENOENT/)
  writeFileSync(join(dir, 'plain.jsonl.gz'), '{"id":"r1","raw":{}}\n')
  await expect(findArchivedPayload(dir, 'plain.jsonl.gz', 'r1')).rejects.toThrow(/incorrect header check/)
  const whole = gzipSync('{"id":"r1","raw":{"a":1}}\n'.repeat(2_000))
  writeFileSync(join(dir, 'cut.jsonl.gz'), whole.subarray(0, whole.length - 20))
  await expect(findArchivedPayload(dir, 'cut.jsonl.gz', 'r1')).rejects.toThrow(/unexpected end of file/)
  writeFileSync(join(dir, 'whole.jsonl.gz'), whole)
  expect(await findArchivedPayload(dir, 'whole.jsonl.gz', 'r1')).toEqual({ id: 'r1', raw: { a: 1 } })
})
