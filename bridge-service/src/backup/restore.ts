/**
 * `relais restore <file>` (issue 17 §1): a backup of `relais backup` into an EMPTY ledger, proven row for row.
 * 1. The file must match its manifest (size and SHA-256) — a damaged or altered copy is refused before anything;
 * 2. the target must hold no table: a restore never merges into, nor overwrites, a ledger in use;
 * 3. in ONE transaction: the schema as it was at the backup (the migrations up to its version), the rows in
 *    pages (`json_populate_recordset` turns each row's JSON back into the table's own types), identity sequences
 *    moved past the restored values, then every table read back and hashed as the backup did — any difference
 *    and nothing is kept;
 * 4. then the migrations this bridge has beyond the backup's, so an older backup restores into a newer bridge.
 * After it, the bridge re-enqueues the records that were in flight and each source pulls again from its cursor:
 * what arrived after the backup comes back from the sources (docker/README.md, Backups).
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createGunzip } from 'node:zlib'
import { migrate, MIGRATIONS_DIR, readMigrations, type Db } from '../ledger'
import {
  BACKUP_FORMAT,
  manifestPathOf,
  readTable,
  snapshotTransaction,
  type BackupManifest,
  type TableManifest,
} from './backup'
import { quoteIdent, type LedgerTable } from './ledger-tables'

const INSERT_ROWS = 500

/** A restore refused or failed, with what to tell the operator in both languages. */
export class RestoreError extends Error {
  constructor(
    readonly fr: string,
    en: string,
  ) {
    super(en)
  }
}

export interface RestoreReport {
  manifest: BackupManifest
  tables: TableManifest[]
  /** Migrations applied after loading (this bridge's newer schema). */
  migratedAfter: string[]
  durationMs: number
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

export async function readManifest(backupFile: string): Promise<BackupManifest> {
  const path = manifestPathOf(backupFile)
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as BackupManifest
  } catch {
    throw new RestoreError(
      `manifeste introuvable ou illisible : ${path} (il accompagne chaque sauvegarde)`,
      `manifest missing or unreadable: ${path} (it goes with every backup)`,
    )
  }
  if (manifest.format !== BACKUP_FORMAT)
    throw new RestoreError(
      `${path} n'est pas un manifeste de sauvegarde Relais`,
      `${path} is not a Relais backup manifest`,
    )
  return manifest
}

/** The file against its manifest: size, then SHA-256. */
export async function verifyBackupFile(backupFile: string): Promise<BackupManifest> {
  const manifest = await readManifest(backupFile)
  const bytes = (await stat(backupFile)).size
  if (bytes !== manifest.bytes || (await sha256OfFile(backupFile)) !== manifest.sha256)
    throw new RestoreError(
      `la sauvegarde ${backupFile} ne correspond pas à son manifeste (fichier abîmé ou modifié) : rien n'est restauré`,
      `the backup ${backupFile} does not match its manifest (damaged or altered): nothing is restored`,
    )
  return manifest
}

async function assertEmpty(db: Db): Promise<void> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
  )
  if ((row?.n ?? 0) > 0)
    throw new RestoreError(
      `la base cible contient déjà ${row!.n} table(s) : restaurez dans une base vide (createdb, ou un autre RELAIS_DATA_DIR)`,
      `the target database already holds ${row!.n} table(s): restore into an empty one (createdb, or another RELAIS_DATA_DIR)`,
    )
}

/** The migrations up to the backup's version, in a folder of their own (`migrate` applies a whole folder). */
async function migrationsUpTo(version: string): Promise<string> {
  const all = await readMigrations()
  if (!all.some((m) => m.version === version))
    throw new RestoreError(
      `la sauvegarde vient d'un schéma ${version} que ce pont ne connaît pas (plus récent ?) : restaurez avec la version de Relais qui l'a faite`,
      `the backup comes from schema ${version}, which this bridge does not know (newer?): restore with the Relais version that made it`,
    )
  const dir = await mkdtemp(join(tmpdir(), 'relais-restore-migrations-'))
  for (const m of all.filter((x) => x.version <= version))
    await copyFile(join(MIGRATIONS_DIR, m.file), join(dir, m.file))
  return dir
}

async function* backupLines(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })
  for await (const line of lines) if (line !== '') yield line
}

export async function restoreLedger(
  db: Db,
  backupFile: string,
  options: { onTable?: (table: TableManifest) => void } = {},
): Promise<RestoreReport> {
  const started = Date.now()
  const manifest = await verifyBackupFile(backupFile)
  await assertEmpty(db)
  const oldSchema = await migrationsUpTo(manifest.schemaVersion)
  try {
    await migrate(db, { dir: oldSchema })
  } finally {
    await rm(oldSchema, { recursive: true, force: true })
  }
  const byName = new Map(manifest.tables.map((t) => [t.name, t]))
  const tables = await loadAndCheck(db, backupFile, manifest, byName, options).catch(async (error: unknown) => {
    // The target was empty: leave it empty, so that the operator can simply run the restore again.
    const made = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`,
    )
    if (made.length > 0) await db.exec(`DROP TABLE ${made.map((t) => quoteIdent(t.name)).join(', ')} CASCADE`)
    throw error
  })
  const { applied } = await migrate(db)
  return { manifest, tables, migratedAfter: applied, durationMs: Date.now() - started }
}

function loadAndCheck(
  db: Db,
  backupFile: string,
  manifest: BackupManifest,
  byName: ReadonlyMap<string, BackupManifest['tables'][number]>,
  options: { onTable?: (table: TableManifest) => void },
): Promise<TableManifest[]> {
  return db.transaction(async (tx) => {
    await snapshotTransaction(tx, false)
    let current: (typeof manifest.tables)[number] | undefined
    let batch: string[] = []
    const flush = async () => {
      if (!current || batch.length === 0) return
      // Harmless on a serial column, needed on a GENERATED ALWAYS one.
      const overriding = current.identity.length > 0 ? ' OVERRIDING SYSTEM VALUE' : ''
      const name = quoteIdent(current.name)
      await tx.query(
        `INSERT INTO ${name}${overriding} SELECT * FROM json_populate_recordset(NULL::${name}, $1::json)`,
        [`[${batch.join(',')}]`],
      )
      batch = []
    }
    let header = true
    for await (const line of backupLines(backupFile)) {
      if (header) {
        header = false
        continue
      }
      if (line.startsWith('#table ')) {
        await flush()
        current = byName.get(line.slice('#table '.length))
        if (!current)
          throw new RestoreError(
            `table inattendue dans la sauvegarde : ${line.slice(7)}`,
            `unexpected table in the backup: ${line.slice(7)}`,
          )
        continue
      }
      batch.push(line)
      if (batch.length >= INSERT_ROWS) await flush()
    }
    await flush()
    // Identity columns: the next value must come after the restored ones.
    for (const table of manifest.tables)
      for (const column of table.identity)
        await tx.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(max(${quoteIdent(column)}), 1), max(${quoteIdent(column)}) IS NOT NULL) FROM ${quoteIdent(table.name)}`,
          [table.name, column],
        )
    // Proof: each table read back as the backup read it, counted and hashed.
    const checked: TableManifest[] = []
    for (const expected of manifest.tables) {
      const table: LedgerTable = { name: expected.name, key: expected.key, identity: expected.identity }
      const hash = createHash('sha256')
      let rows = 0
      await readTable(tx, table, async (page) => {
        hash.update(page.join('\n') + '\n')
        rows += page.length
      })
      const found = { name: expected.name, rows, sha256: hash.digest('hex') }
      if (found.rows !== expected.rows || found.sha256 !== expected.sha256)
        throw new RestoreError(
          `la table ${expected.name} restaurée diffère de la sauvegarde (${found.rows} ligne(s) pour ${expected.rows}) : rien n'est gardé`,
          `table ${expected.name} as restored differs from the backup (${found.rows} row(s) for ${expected.rows}): nothing is kept`,
        )
      checked.push(found)
      options.onTable?.(found)
    }
    return checked
  })
}
