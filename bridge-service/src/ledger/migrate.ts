/**
 * Versioned SQL migrations: `migrations/NNN_name.sql`, applied in file-name order, at start and by
 * `relais migrate`.
 *
 * - All pending migrations run in ONE transaction, after `pg_advisory_xact_lock`: two processes starting at
 *   once queue on the lock, and the second finds nothing left to apply. (PGlite has the function too; being
 *   one connection, it serialises anyway.)
 * - A migration that fails rolls everything back — the database stays as it was — and the error
 *   (`MigrationError`) names the file.
 * - Applied migrations are recorded in `schema_migrations` with a SHA-256 of their text; editing a migration
 *   that was already applied is refused (write a new one instead).
 * - Files are never run outside a transaction, so a migration must not hold `CREATE INDEX CONCURRENTLY`,
 *   `VACUUM` or its own BEGIN/COMMIT.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Db } from './db'

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations')

/** Arbitrary, fixed: the advisory lock key (two int4) that serialises migrations across processes. */
const LOCK_CLASS = 0x52454c // "REL"
const LOCK_OBJECT = 1

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/

export interface Migration {
  /** The file name, e.g. `001_init.sql`. */
  readonly file: string
  /** Its number, e.g. `001`. */
  readonly version: string
  readonly sql: string
  readonly checksum: string
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError'
  constructor(
    /** The migration file at fault. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The migrations of a directory, in order. Throws on a badly named `.sql` file or a repeated number. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = FILE_NAME.exec(file)
    if (!match) {
      throw new MigrationError(
        file,
        `migration file ${file} must be named NNN_name.sql (lower case), e.g. 002_add_x.sql`,
      )
    }
    const version = match[1]!
    const twin = migrations.find((m) => m.version === version)
    if (twin) throw new MigrationError(file, `migrations ${twin.file} and ${file} have the same number ${version}`)
    const sql = await fs.readFile(path.join(dir, file), 'utf8')
    migrations.push({ file, version, sql, checksum: createHash('sha256').update(sql).digest('hex') })
  }
  return migrations
}

/** Applies the pending migrations. Answers the files applied now (empty when the database was up to date). */
export async function migrate(db: Db, options: { dir?: string } = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.dir)
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [LOCK_CLASS, LOCK_OBJECT])
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      file text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const rows = await tx.query<{ version: string; file: string; checksum: string }>(
      'SELECT version, file, checksum FROM schema_migrations',
    )
    const done = new Map(rows.map((r) => [r.version, r]))
    const applied: string[] = []
    for (const m of migrations) {
      const previous = done.get(m.version)
      if (previous) {
        if (previous.checksum !== m.checksum) {
          throw new MigrationError(
            m.file,
            `migration ${m.file} was changed after it was applied (as ${previous.file}): restore it and put the change in a new migration`,
          )
        }
        continue
      }
      try {
        await tx.exec(m.sql)
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        throw new MigrationError(m.file, `migration ${m.file} failed, nothing was applied: ${reason}`, {
          cause: error,
        })
      }
      await tx.query('INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.file,
        m.checksum,
      ])
      applied.push(m.file)
    }
    return { applied }
  })
}
