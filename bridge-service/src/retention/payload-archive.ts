/**
 * Retention of raw payloads (issue 17 §2). A record that is done (imported, unchanged, discarded, failed) keeps its
 * raw payload for its source's `payloadRetentionDays`; then the payload moves to a monthly archive file — one per
 * source and month of arrival, `archive/<source>/<YYYY-MM>.jsonl.gz`, with a manifest beside it — and the record
 * keeps everything else (hashes, status, values sent, history) and the name of the file that holds its payload.
 *
 * Order of the writes, for a crash at any point: the archive first (appended as a new gzip member and flushed to
 * disk), the ledger after. A crash in between leaves the payload in both; the next run archives it again (the
 * file then holds it twice, which `findArchivedPayload` tolerates) — never in neither.
 * Every run that archived something is in the audit log (`ledger.purge`, counts per source and file).
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { gzipSync, createGunzip } from 'node:zlib'
import { repositories, type Db } from '../ledger'

export const PURGE_ACTION = 'ledger.purge'

/** Where the archive lives: in the bridge's data folder, to be backed up with it (docker/README.md, Backups). */
export const archiveDirOf = (dataDir: string) => join(dataDir, 'archive')
const DONE = ['imported', 'unchanged', 'discarded', 'failed']
const BATCH = 1_000

export interface RetentionPolicy {
  source: string
  days: number
}

export interface ArchivedLine {
  id: string
  source: string
  sourceKey: string
  version: string
  contentHash: string
  createdAt: string
  raw: unknown
}

export interface ArchiveManifest {
  source: string
  month: string
  records: number
  bytes: number
  sha256: string
  updatedAt: string
}

export interface RetentionReport {
  /** Per source: payloads archived now, and the files written to. */
  sources: Array<{ source: string; days: number; archived: number; files: string[] }>
  dryRun: boolean
}

/** The file of a source's month, relative to the archive folder (what the record keeps). */
export const archiveFileOf = (source: string, month: string) => `${source}/${month}.jsonl.gz`

async function appendToArchive(
  root: string,
  relative: string,
  lines: readonly ArchivedLine[],
  now: Date,
): Promise<void> {
  const file = join(root, relative)
  await mkdir(dirname(file), { recursive: true })
  // One gzip member per append: a gzip file may hold several, and readers take them in turn.
  const member = gzipSync(lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  const handle = await open(file, 'a', 0o600)
  try {
    await handle.write(member)
    await handle.sync()
  } finally {
    await handle.close()
  }
  const manifestFile = file.replace(/\.jsonl\.gz$/, '.manifest.json')
  const previous = await readFile(manifestFile, 'utf8').then(
    (text) => JSON.parse(text) as ArchiveManifest,
    () => undefined,
  )
  const content = await readFile(file)
  const [source = '', name = ''] = relative.split('/')
  const manifest: ArchiveManifest = {
    source,
    month: name.replace('.jsonl.gz', ''),
    records: (previous?.records ?? 0) + lines.length,
    bytes: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    updatedAt: now.toISOString(),
  }
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 })
}

interface DueRow {
  id: string
  source: string
  source_key: string
  version: string
  content_hash: string
  created_at: string
  month: string
  raw: unknown
}

/** Moves the payloads past their retention to the archive; `dryRun` only counts them. */
export async function archivePayloads(
  db: Db,
  options: { archiveDir: string; policies: readonly RetentionPolicy[]; now?: Date; dryRun?: boolean; actor?: string },
): Promise<RetentionReport> {
  const now = options.now ?? new Date()
  const report: RetentionReport = { sources: [], dryRun: options.dryRun === true }
  for (const { source, days } of options.policies) {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString()
    const entry = { source, days, archived: 0, files: [] as string[] }
    report.sources.push(entry)
    if (options.dryRun) {
      const [row] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM records
         WHERE source = $1 AND created_at < $2 AND raw IS NOT NULL AND status = ANY($3::text[])`,
        [source, cutoff, DONE],
      )
      entry.archived = row?.n ?? 0
      continue
    }
    for (;;) {
      const due = await db.query<DueRow>(
        `SELECT id, source, source_key, version, content_hash, created_at,
                to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, raw
         FROM records
         WHERE source = $1 AND created_at < $2 AND raw IS NOT NULL AND status = ANY($3::text[])
         ORDER BY created_at, id LIMIT ${BATCH}`,
        [source, cutoff, DONE],
      )
      if (due.length === 0) break
      const byMonth = new Map<string, DueRow[]>()
      for (const row of due) byMonth.set(row.month, [...(byMonth.get(row.month) ?? []), row])
      for (const [month, rows] of byMonth) {
        const relative = archiveFileOf(source, month)
        await appendToArchive(
          options.archiveDir,
          relative,
          rows.map((r) => ({
            id: r.id,
            source: r.source,
            sourceKey: r.source_key,
            version: r.version,
            contentHash: r.content_hash,
            createdAt: new Date(r.created_at).toISOString(),
            raw: r.raw,
          })),
          now,
        )
        await db.query(
          `UPDATE records SET raw = NULL, payload_archive = $2 WHERE id = ANY($1::text[]) AND raw IS NOT NULL`,
          [rows.map((r) => r.id), relative],
        )
        entry.archived += rows.length
        if (!entry.files.includes(relative)) entry.files.push(relative)
      }
    }
  }
  const archived = report.sources.filter((s) => s.archived > 0)
  if (!options.dryRun && archived.length > 0)
    await repositories(db).audit.append({
      actor: options.actor ?? 'system:retention',
      role: 'system',
      action: PURGE_ACTION,
      target: 'records.raw',
      detail: { sources: archived },
    })
  return report
}

/**
 * A record's archived payload, read from its file (the last copy wins, should a crash have left two). Rejects
 * when the file is missing or is not gzip — `pipe` alone left the file's error unhandled, which ended the
 * process with a stack trace.
 */
export async function findArchivedPayload(
  archiveDir: string,
  relative: string,
  recordId: string,
): Promise<ArchivedLine | undefined> {
  let found: ArchivedLine | undefined
  let failure: Error | undefined
  const gunzip = createGunzip()
  const file = createReadStream(join(archiveDir, relative))
  const lines = createInterface({ input: file.pipe(gunzip), crlfDelay: Infinity })
  // Either stream's error closes the lines (which ends the loop below), then is thrown.
  const fail = (error: Error) => {
    failure ??= error
    lines.close()
  }
  file.on('error', fail)
  gunzip.on('error', fail)
  const needle = `{"id":${JSON.stringify(recordId)},`
  for await (const line of lines) if (line.startsWith(needle)) found = JSON.parse(line) as ArchivedLine
  file.destroy()
  gunzip.destroy()
  if (failure) throw failure
  return found
}
