/**
 * `relais backup` (issue 17 §1): the whole ledger in one gzip file of JSON lines, with a manifest beside it (the
 * file's SHA-256, and each table's row count and SHA-256 of its rows) that `relais restore` checks before and
 * after loading.
 *
 * Why not `pg_dump -Fc`: one format for both ledgers (PostgreSQL and the embedded PGlite, which only the running
 * bridge may open — this reads through its socket), no client binary whose major version must match the
 * server's, and a checksum per table that proves a restore row for row. DHIS2's own database is still dumped with
 * `pg_dump` (docker/README.md, Backups).
 *
 * Consistency: every table is read in ONE read-only REPEATABLE READ transaction — a snapshot, while the bridge
 * keeps writing (on PGlite the bridge waits for it: one connection). Rows are read with a cursor, in pages, in
 * primary-key order (as text, byte order, so any two PostgreSQL agree), as `row_to_json` in UTC: the same text a
 * restore reads back, so a row's hash proves it came back unchanged. Memory stays one page.
 *
 * File layout: line 1 the header (JSON), then for each table a `#table <name>` line followed by its rows.
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { Db } from '../ledger'
import { ledgerTables, quoteIdent, type LedgerTable } from './ledger-tables'

export const BACKUP_FORMAT = 'relais-ledger-backup'
export const BACKUP_FORMAT_VERSION = 1
const PAGE_ROWS = 1_000

export interface TableManifest {
  name: string
  rows: number
  /** SHA-256 of the rows' JSON texts, each followed by a newline, in backup order. */
  sha256: string
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT
  formatVersion: number
  createdAt: string
  /** `pg` or `pglite`: where it came from (a backup restores into either). */
  ledger: 'pg' | 'pglite'
  /** The last migration applied: a restore builds this schema first, then migrates to its own newest. */
  schemaVersion: string
  file: string
  bytes: number
  /** SHA-256 of the backup file as written. */
  sha256: string
  tables: Array<TableManifest & { key: string[]; identity: string[] }>
  durationMs: number
}

export const manifestPathOf = (backupFile: string) => backupFile.replace(/\.jsonl\.gz$/, '') + '.manifest.json'

/** The SELECT a backup and a restore's check both read a table with. */
export function tableRowsSql(table: LedgerTable): string {
  // The primary key, else the identity columns, else the row itself: never the physical order (ctid), which a
  // restore does not keep.
  const columns = table.key.length > 0 ? table.key : table.identity
  const order =
    columns.length > 0
      ? columns.map((column) => `(t.${quoteIdent(column)})::text COLLATE "C"`).join(', ')
      : `row_to_json(t)::text COLLATE "C"`
  return `SELECT row_to_json(t)::text AS j FROM ${quoteIdent(table.name)} t ORDER BY ${order}`
}

/** Reads one table in pages through a cursor of the current transaction; `onPage` gets each page's texts. */
export async function readTable(tx: Db, table: LedgerTable, onPage: (rows: string[]) => Promise<void>): Promise<void> {
  await tx.exec(`DECLARE relais_backup_rows NO SCROLL CURSOR FOR ${tableRowsSql(table)}`)
  try {
    for (;;) {
      const page = await tx.query<{ j: string }>(`FETCH ${PAGE_ROWS} FROM relais_backup_rows`)
      if (page.length === 0) break
      await onPage(page.map((r) => r.j))
    }
  } finally {
    await tx.exec('CLOSE relais_backup_rows')
  }
}

/** What both the backup and the restore's check start their transaction with. */
export async function snapshotTransaction(tx: Db, readOnly: boolean): Promise<void> {
  await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ${readOnly ? ', READ ONLY' : ''}`)
  // row_to_json writes times in the session's time zone: UTC on both sides, so a row's text is the same.
  await tx.exec(`SET LOCAL TimeZone = 'UTC'`)
}

export async function schemaVersionOf(db: Db): Promise<string> {
  const [row] = await db.query<{ v: string | null }>('SELECT max(version) AS v FROM schema_migrations')
  if (!row?.v) throw new Error('the ledger has no migration applied: nothing to back up')
  return row.v
}

export interface BackupOptions {
  /** The folder the file and its manifest go to (created if needed). */
  outDir: string
  now?: () => Date
  /** Told after each table: for a progress line. */
  onTable?: (table: TableManifest) => void
}

export async function backupLedger(db: Db, options: BackupOptions): Promise<BackupManifest> {
  const started = Date.now()
  const createdAt = (options.now ?? (() => new Date()))()
  const stamp = createdAt.toISOString().replace(/[:.]/g, '-')
  await mkdir(options.outDir, { recursive: true })
  const file = join(options.outDir, `relais-ledger-${stamp}.jsonl.gz`)
  // Written under a temporary name, renamed once complete: a crash never leaves a file that looks finished.
  const partial = `${file}.partial`
  const fileHash = createHash('sha256')
  const gzip = createGzip({ level: 6 })
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      fileHash.update(chunk)
      done(null, chunk)
    },
  })
  const written = pipeline(gzip, hashing, createWriteStream(partial, { mode: 0o600 }))
  const write = (text: string) =>
    gzip.write(text) ? Promise.resolve() : new Promise<void>((resolve) => gzip.once('drain', resolve))

  const result = await db
    .transaction(async (tx) => {
      await snapshotTransaction(tx, true)
      const schemaVersion = await schemaVersionOf(tx)
      const tables = await ledgerTables(tx)
      await write(
        JSON.stringify({
          format: BACKUP_FORMAT,
          formatVersion: BACKUP_FORMAT_VERSION,
          createdAt: createdAt.toISOString(),
          schemaVersion,
          tables: tables.map((t) => t.name),
        }) + '\n',
      )
      const manifests: BackupManifest['tables'] = []
      for (const table of tables) {
        await write(`#table ${table.name}\n`)
        const hash = createHash('sha256')
        let rows = 0
        await readTable(tx, table, async (page) => {
          const text = page.join('\n') + '\n'
          hash.update(text)
          rows += page.length
          await write(text)
        })
        const entry = { name: table.name, rows, sha256: hash.digest('hex') }
        manifests.push({ ...entry, key: table.key, identity: table.identity })
        options.onTable?.(entry)
      }
      return { schemaVersion, tables: manifests }
    })
    .catch(async (error: unknown) => {
      gzip.destroy(error instanceof Error ? error : new Error(String(error)))
      await written.catch(() => undefined)
      await rm(partial, { force: true })
      throw error
    })
  gzip.end()
  await written
  await rename(partial, file)
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: createdAt.toISOString(),
    ledger: db.kind,
    schemaVersion: result.schemaVersion,
    file: basename(file),
    bytes: (await stat(file)).size,
    sha256: fileHash.digest('hex'),
    tables: result.tables,
    durationMs: Date.now() - started,
  }
  await writeFile(manifestPathOf(file), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 })
  return manifest
}
