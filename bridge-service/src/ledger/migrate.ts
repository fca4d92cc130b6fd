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

export interface MigrateOptions {
  /** Where the migration files are; default MIGRATIONS_DIR. */
  readonly dir?: string
  /**
   * Stop after this migration number (`'005'` or `'5'`). Only the upgrade tests (a ledger as an older bridge left
   * it) and the dry run use it: a bridge always migrates to the newest, since its code expects that schema.
   */
  readonly upTo?: string
}

/** What a ledger has and lacks, against the migration files. */
export interface MigrationPlan {
  /** Migrations the ledger has, in order. */
  readonly applied: readonly Migration[]
  /** Migrations still to apply, in order (up to `upTo` when given). */
  readonly pending: readonly Migration[]
  /** Versions the ledger records that no file here has: a newer bridge migrated it (this one is older). */
  readonly unknown: readonly string[]
}

interface AppliedRow {
  version: string
  file: string
  checksum: string
}

/** The migrations up to `upTo` (all without it). A number that names no migration is refused, not ignored. */
function upToVersion(migrations: readonly Migration[], upTo: string | undefined): readonly Migration[] {
  if (upTo === undefined) return migrations
  // Numbers, not strings: '5' and '005' name the same migration, and '1000' comes after '999'.
  if (!/^\d+$/.test(upTo) || !migrations.some((m) => Number(m.version) === Number(upTo))) {
    throw new RangeError(`no migration numbered ${upTo} (known: ${migrations.map((m) => m.version).join(', ')})`)
  }
  return migrations.filter((m) => Number(m.version) <= Number(upTo))
}

/** The files against what the ledger recorded. Refuses a file edited after it was applied. */
function planOf(migrations: readonly Migration[], rows: readonly AppliedRow[], upTo?: string): MigrationPlan {
  const done = new Map(rows.map((r) => [r.version, r]))
  for (const m of migrations) {
    const previous = done.get(m.version)
    if (previous && previous.checksum !== m.checksum) {
      throw new MigrationError(
        m.file,
        `migration ${m.file} was changed after it was applied (as ${previous.file}): restore it and put the change in a new migration`,
      )
    }
  }
  const known = new Set(migrations.map((m) => m.version))
  return {
    applied: migrations.filter((m) => done.has(m.version)),
    pending: upToVersion(migrations, upTo).filter((m) => !done.has(m.version)),
    unknown: rows
      .map((r) => r.version)
      .filter((v) => !known.has(v))
      .sort(),
  }
}

/**
 * What `migrate` would apply now, read without writing anything (not even `schema_migrations` on a new ledger):
 * the dry run. It takes no lock, so a migration running meanwhile may change the answer.
 */
export async function planMigrations(db: Db, options: MigrateOptions = {}): Promise<MigrationPlan> {
  const migrations = await readMigrations(options.dir)
  const [table] = await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`)
  const rows =
    table?.t === null || table?.t === undefined
      ? []
      : await db.query<AppliedRow>('SELECT version, file, checksum FROM schema_migrations')
  return planOf(migrations, rows, options.upTo)
}

/** Applies the pending migrations. Answers the files applied now (empty when the database was up to date). */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.dir)
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [LOCK_CLASS, LOCK_OBJECT])
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      file text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    // Read under the lock: a process that waited finds what the first one applied.
    const rows = await tx.query<AppliedRow>('SELECT version, file, checksum FROM schema_migrations')
    const { pending } = planOf(migrations, rows, options.upTo)
    const applied: string[] = []
    for (const m of pending) {
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

// ---------------------------------------------------------------------------------------------------------------
// What a migration changes, for the dry run: one line per statement (per action of an ALTER TABLE), its kind and
// objects, e.g. "CREATE TABLE security_reports (8 columns)", "ALTER TABLE reminder_sends ADD COLUMN sms_id TEXT".
// A deliberately small reader for the DDL our migrations hold, not a SQL parser: a statement it does not know is
// shown by its first words, so an operator still sees it.

/** Statements that lose stored values are marked, so an operator sees them before an upgrade. */
const REMOVES_DATA = ' (data removed)'
const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|[A-Za-z_][\w$]*))?`

/**
 * The statements of a SQL script, comments removed and white space collapsed. Knows quoted strings and
 * identifiers, dollar quotes and both kinds of comments, so a `;` or `--` inside them does not split.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = []
  let current = ''
  const push = () => {
    const text = current.replace(/\s+/g, ' ').trim()
    if (text !== '') statements.push(text)
    current = ''
  }
  let i = 0
  while (i < sql.length) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end
      current += ' '
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? sql.length : end + 2
      current += ' '
    } else if (c === "'" || c === '"') {
      // A doubled quote is the quote itself, inside the string.
      let j = i + 1
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1
      current += sql.slice(i, j + 1)
      i = j + 1
    } else if (c === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i, i + 64))![0]
      const end = sql.indexOf(tag, i + tag.length)
      const stop = end < 0 ? sql.length : end + tag.length
      current += sql.slice(i, stop)
      i = stop
    } else if (c === ';') {
      push()
      i += 1
    } else {
      current += c
      i += 1
    }
  }
  push()
  return statements
}

/** Splits on the commas outside parentheses and quotes (the columns of a CREATE TABLE, the actions of an ALTER). */
function topLevelParts(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote: string | undefined
  let start = 0
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!
    if (quote !== undefined) {
      if (c === quote) quote = undefined
    } else if (c === "'" || c === '"') quote = c
    else if (c === '(') depth += 1
    else if (c === ')') depth -= 1
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  parts.push(text.slice(start).trim())
  return parts.filter((p) => p !== '')
}

/** The text inside the first balanced pair of parentheses from `from`, or undefined. */
function parenthesised(text: string, from = 0): string | undefined {
  const open = text.indexOf('(', from)
  if (open < 0) return undefined
  let depth = 0
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1
    else if (text[i] === ')') {
      depth -= 1
      if (depth === 0) return text.slice(open + 1, i)
    }
  }
  return undefined
}

const shorten = (text: string, max = 70) => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`)

const TABLE_CONSTRAINT = /^(?:CONSTRAINT\s|PRIMARY KEY|UNIQUE\b|CHECK\b|FOREIGN KEY|EXCLUDE\b)/i

/** A pattern, case-insensitive, where `<id>` stands for a (possibly quoted, possibly qualified) name. */
const pattern = (source: string) => new RegExp(source.replaceAll('<id>', `(${IDENT})`), 'i')

/** A statement (or ALTER TABLE action) shape and how to say it; the first that matches wins. */
type Rule = readonly [RegExp, (m: RegExpExecArray, text: string) => string]

/** The actions of an ALTER TABLE, e.g. `ADD COLUMN sms_id TEXT`. */
const ALTER_ACTIONS: readonly Rule[] = [
  [
    pattern(String.raw`^ADD CONSTRAINT <id> (PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b`),
    (m, text) => {
      const kind = m[2]!.toUpperCase()
      // A key's columns say what it is about; a CHECK's expression is too long for one line (read the file).
      const columns = kind === 'CHECK' ? undefined : parenthesised(text, m[0].length)
      return `ADD CONSTRAINT ${m[1]} ${kind}${columns === undefined ? '' : ` (${columns.trim()})`}`
    },
  ],
  [pattern(String.raw`^ADD (PRIMARY KEY|UNIQUE|CHECK|FOREIGN KEY|EXCLUDE)\b`), (m) => `ADD ${m[1]!.toUpperCase()}`],
  [
    pattern('^ADD (?:COLUMN )?(?:IF NOT EXISTS )?<id>(?: (.*))?$'),
    (m) => `ADD COLUMN ${m[1]}${m[2] === undefined ? '' : ` ${shorten(m[2])}`}`,
  ],
  [pattern('^DROP CONSTRAINT (?:IF EXISTS )?<id>'), (m) => `DROP CONSTRAINT ${m[1]}`],
  [pattern('^DROP (?:COLUMN )?(?:IF EXISTS )?<id>'), (m) => `DROP COLUMN ${m[1]}${REMOVES_DATA}`],
  [pattern('^RENAME TO <id>'), (m) => `RENAME TO ${m[1]}`],
  [pattern('^RENAME (?:COLUMN )?<id> TO <id>'), (m) => `RENAME COLUMN ${m[1]} TO ${m[2]}`],
  [pattern('^ALTER (?:COLUMN )?<id> (.*)$'), (m) => `ALTER COLUMN ${m[1]} ${shorten(m[2]!)}`],
]

/** Statements, normalised to one line. An ALTER TABLE answers one line per action (joined by "\n" here). */
const STATEMENTS: readonly Rule[] = [
  [
    pattern('^CREATE (UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?:<id> )?ON (?:ONLY )?<id>'),
    (m, text) => {
      const partial = /\sWHERE\s/i.test(text.slice(m[0].length)) ? ' (partial)' : ''
      return `CREATE ${m[1] === undefined ? '' : 'UNIQUE '}INDEX ${m[2] === undefined ? '' : `${m[2]} `}ON ${m[3]}${partial}`
    },
  ],
  [
    pattern('^CREATE (?:(?:GLOBAL|LOCAL) )?(?:(?:TEMP|TEMPORARY|UNLOGGED) )?TABLE (?:IF NOT EXISTS )?<id>'),
    (m, text) => {
      const body = parenthesised(text, m[0].length)
      const columns = body === undefined ? [] : topLevelParts(body).filter((p) => !TABLE_CONSTRAINT.test(p))
      return `CREATE TABLE ${m[1]}${columns.length === 0 ? '' : ` (${columns.length} columns)`}`
    },
  ],
  [
    pattern('^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?<id> (.*)$'),
    (m) =>
      topLevelParts(m[2]!)
        .map((action) => `ALTER TABLE ${m[1]} ${describeWith(ALTER_ACTIONS, action)}`)
        .join('\n'),
  ],
  [
    pattern(
      // every name of the list: "DROP TABLE a, b" loses both
      '^DROP (TABLE|INDEX|VIEW|MATERIALIZED VIEW|SEQUENCE|FUNCTION|TYPE|TRIGGER|SCHEMA) (?:CONCURRENTLY )?(?:IF EXISTS )?(.+?)(?: CASCADE| RESTRICT)?$',
    ),
    (m) => {
      const kind = m[1]!.toUpperCase()
      return `DROP ${kind} ${m[2]}${kind === 'TABLE' || kind === 'SCHEMA' ? REMOVES_DATA : ''}`
    },
  ],
  [
    pattern(
      '^CREATE (?:OR REPLACE )?(VIEW|MATERIALIZED VIEW|SEQUENCE|FUNCTION|PROCEDURE|TRIGGER|TYPE|EXTENSION|SCHEMA) (?:IF NOT EXISTS )?<id>',
    ),
    (m) => `CREATE ${m[1]!.toUpperCase()} ${m[2]}`,
  ],
  [
    pattern('^INSERT INTO <id>'),
    (m, text) => {
      const from = pattern(String.raw`\sFROM <id>`).exec(text.slice(m[0].length))
      return `INSERT INTO ${m[1]}${from ? ` (rows from ${from[1]})` : ''}`
    },
  ],
  [pattern('^UPDATE (?:ONLY )?<id>'), (m) => `UPDATE ${m[1]}`],
  [pattern('^DELETE FROM (?:ONLY )?<id>'), (m) => `DELETE FROM ${m[1]}${REMOVES_DATA}`],
  [pattern('^TRUNCATE (?:TABLE )?(?:ONLY )?<id>'), (m) => `TRUNCATE ${m[1]}${REMOVES_DATA}`],
]

/** The first rule that matches, or the text's beginning: an unknown statement is still shown, never hidden. */
function describeWith(rules: readonly Rule[], text: string): string {
  for (const [regex, say] of rules) {
    const m = regex.exec(text)
    if (m) return say(m, text)
  }
  return shorten(text)
}

/** One statement as one or more lines (an ALTER TABLE gives one per action). */
export function describeStatement(statement: string): string[] {
  return describeWith(STATEMENTS, statement).split('\n')
}

/** What a migration's SQL changes, one line per change, in the file's order. */
export function describeMigration(sql: string): string[] {
  return splitStatements(sql).flatMap(describeStatement)
}
