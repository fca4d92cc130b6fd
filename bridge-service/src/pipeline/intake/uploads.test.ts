/**
 * Uploads answer early and lose nothing: the file is spooled (fsynced) before the run exists, the answer
 * comes before every row is committed when reading takes longer than the wait, a file the bridge cannot
 * read fails its run with the reason, and a run a stopped bridge left unread is read again from its spool.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { repositories } from '../../ledger'
import { pgTestDatabase } from '../../ledger/test-support'
import { MANAGER, MAPPINGS, startHarness, waitFor, type Harness } from '../test-support'
import { readFileSync } from 'node:fs'

let h: Harness
const spoolDir = mkdtempSync(join(tmpdir(), 'relais-spool-test-'))
const clean = () => readFileSync(`${MAPPINGS}/samples/partenaires.clean.csv`)

beforeAll(async () => {
  h = await startHarness({ database: pgTestDatabase(), pipeline: { spoolDir, answerUploadWithinMs: 0 } })
}, 30_000)
afterAll(() => h?.dispose())

/** A run of the partner CSV source as an upload leaves it, with this detail (spool, heartbeat…). */
const uploadRun = (mode: 'dry-run' | 'import', detail: Record<string, unknown>) =>
  repositories(h.db).runs.create({ source: 'csv-partenaires', mode, trigger: 'upload', actor: MANAGER.name, detail })

test('the answer does not wait for the rows: rows null, then the run reads all of them and completes', async () => {
  const started = await h.pipeline.upload(
    { source: 'csv-partenaires', filename: 'partenaires.clean.csv', body: clean(), mode: 'dry-run' },
    MANAGER,
  )
  expect(started.rows).toBeNull()
  expect(await h.runEnded(started.id)).toBe('completed')
  const run = await repositories(h.db).runs.get(started.id)
  expect(run?.detail).toMatchObject({ rows: 4, intake: 'complete', spool: null, filename: 'partenaires.clean.csv' })
  expect(run?.finalCounts).toMatchObject({ total: 4 })
  expect(readdirSync(spoolDir)).toEqual([])
})

test('a body that errors while arriving (too large, aborted) leaves no run and no spool file', async () => {
  const before = (await repositories(h.db).runs.list({ source: 'csv-partenaires' }, { page: 1, pageSize: 1 })).pager
    .total
  const body = new Readable({
    read() {
      this.push('code_rc,mois\n')
      this.destroy(new Error('payload too large'))
    },
  })
  await expect(
    h.pipeline.upload({ source: 'csv-partenaires', filename: 'big.csv', body, mode: 'import' }, MANAGER),
  ).rejects.toThrow('payload too large')
  const after = (await repositories(h.db).runs.list({ source: 'csv-partenaires' }, { page: 1, pageSize: 1 })).pager
    .total
  expect(after).toBe(before)
  expect(readdirSync(spoolDir)).toEqual([])
})

test('a file that is not CSV or XLSX ends its run failed with the reason, and the spool is removed', async () => {
  const started = await h.pipeline.upload(
    {
      source: 'csv-partenaires',
      filename: 'photo.png',
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
      mode: 'import',
    },
    MANAGER,
  )
  expect(await h.runEnded(started.id)).toBe('failed')
  const run = await repositories(h.db).runs.get(started.id)
  expect(run?.detail).toMatchObject({ intake: 'failed', spool: null })
  expect(String(run?.detail.error)).not.toBe('')
  expect(readdirSync(spoolDir)).toEqual([])
})

test('a run left reading by a stopped bridge is read again from its spool at the next start', async () => {
  const path = join(spoolDir, 'left-behind.upload')
  writeFileSync(path, clean())
  const run = await uploadRun('dry-run', { filename: 'partenaires.clean.csv', spool: path })
  const gone = await uploadRun('import', { filename: 'lost.csv', spool: join(spoolDir, 'never-written.upload') })
  // Another live process is reading this one: its heartbeat is fresh.
  const alive = await uploadRun('dry-run', {
    filename: 'elsewhere.csv',
    spool: path,
    spoolBeat: new Date().toISOString(),
  })
  expect(await h.pipeline.resumeUploads()).toBe(1)
  expect(await h.runEnded(run.id)).toBe('completed')
  expect((await repositories(h.db).runs.get(alive.id))?.status).toBe('running')
  await repositories(h.db).runs.cancel(alive.id, { actor: 'test', reason: 'end of test' })
  expect((await repositories(h.db).runs.get(run.id))?.detail).toMatchObject({ rows: 4, spool: null })
  await waitFor(async () => (await repositories(h.db).runs.get(gone.id))?.status === 'failed', 5_000, 'lost run failed')
  expect(String((await repositories(h.db).runs.get(gone.id))?.detail.error)).toMatch(/upload it again/)
  expect(readdirSync(spoolDir)).toEqual([])
  // Nothing is left to resume.
  expect(await h.pipeline.resumeUploads()).toBe(0)
})

test('a run whose reader died during the read (attempt marker left) is not read again: failed, with the reason', async () => {
  const path = join(spoolDir, 'killed-its-reader.upload')
  writeFileSync(path, clean())
  const stale = new Date(Date.now() - 60_000).toISOString()
  const run = await uploadRun('import', {
    filename: 'bombe.xlsx',
    spool: path,
    spoolBeat: stale,
    readAttempt: { at: stale, pid: 1 },
  })
  expect(await h.pipeline.resumeUploads()).toBe(0)
  const failed = await repositories(h.db).runs.get(run.id)
  expect(failed?.status).toBe('failed')
  expect(failed?.detail).toMatchObject({
    reason: 'file-crashed-reader',
    intake: 'failed',
    spool: null,
    crashedSpool: path,
  })
  expect(String(failed?.detail.error)).toMatch(/pendant la lecture de ce fichier.*died while reading this file/)
  const records = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM records WHERE run_id = $1', [run.id])
  expect(Number(records[0]?.n)).toBe(0) // not read
  expect(readdirSync(spoolDir)).toContain('killed-its-reader.upload') // kept a day for a look
  rmSync(path)
  expect(await h.pipeline.resumeUploads()).toBe(0)
})

test('a spool file no run points at is removed once a day old; a recent one, or one a run points at, is kept', async () => {
  const dayAndMore = new Date(Date.now() - 25 * 60 * 60_000)
  const orphan = join(spoolDir, 'orphan.upload')
  const recent = join(spoolDir, 'recent.upload')
  const owned = join(spoolDir, 'owned.upload')
  for (const path of [orphan, recent, owned]) writeFileSync(path, clean())
  utimesSync(orphan, dayAndMore, dayAndMore)
  utimesSync(owned, dayAndMore, dayAndMore)
  // A live process is still reading `owned` (fresh heartbeat): its run points at it.
  const reading = await uploadRun('dry-run', {
    filename: 'owned.csv',
    spool: owned,
    spoolBeat: new Date().toISOString(),
  })
  expect(await h.pipeline.resumeUploads()).toBe(0)
  expect(readdirSync(spoolDir).sort()).toEqual(['owned.upload', 'recent.upload'])
  await repositories(h.db).runs.cancel(reading.id, { actor: 'test', reason: 'end of test' })
  rmSync(owned)
  rmSync(recent)
})
