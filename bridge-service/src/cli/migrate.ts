/**
 * `relais migrate [--dry-run]`: applies the ledger's pending migrations (also done by `serve` at start), or with
 * `--dry-run` says which are pending and what each changes, applying nothing (issue 17 §5: read it before an
 * upgrade).
 */
import fs from 'node:fs'
import { loadEnv } from '../config/env'
import { openLedger } from '../ledger'
import { describeMigration, migrate, planMigrations, readMigrations, type Migration } from '../ledger/migrate'
import { expectPositionals, parseCli } from './args'

export const MIGRATE_USAGE = `Usage: relais migrate [--dry-run]
  applies the ledger's pending migrations in one transaction (relais serve also does it at start); the ledger is
  PostgreSQL (DATABASE_URL) or the embedded PGlite under RELAIS_DATA_DIR
  --dry-run   applies nothing: lists the pending migrations and what each changes (CREATE TABLE …, ALTER TABLE …
              ADD COLUMN …); run it with the new version before an upgrade. Beside a running relais serve on
              PGlite, it reads the ledger through the bridge's socket`

export async function runMigrateCommand(
  io: { out(text: string): void },
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = [],
): Promise<number> {
  const { values, positionals } = parseCli(argv, { 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } })
  if (values.help) {
    io.out(MIGRATE_USAGE)
    return 0
  }
  expectPositionals(positionals, 0, 'relais migrate [--dry-run]')
  const config = loadEnv(env)
  const where =
    config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`
  if (values['dry-run']) {
    // Opening PGlite on a missing directory would create a database: a dry run leaves the disk as it was.
    if (config.database.kind === 'pglite' && !fs.existsSync(config.database.dataDir)) {
      printDryRun(io, `no ledger yet (${where})`, await readMigrations(), [])
      return 0
    }
    // Read-only, so it may go through a running bridge's socket, which `migrate` must not.
    const db = await openLedger({ database: config.database, migrate: false, throughRunningBridge: true })
    try {
      const plan = await planMigrations(db)
      const at = plan.applied.at(-1)?.file
      printDryRun(io, `${where}, at ${at ?? 'no migration'}`, plan.pending, plan.unknown)
      return 0
    } finally {
      await db.close()
    }
  }
  const db = await openLedger({ database: config.database, migrate: false })
  try {
    const { applied } = await migrate(db)
    io.out(applied.length === 0 ? `Ledger up to date (${where}).` : `Applied ${applied.join(', ')} to ${where}.`)
    return 0
  } finally {
    await db.close()
  }
}

function printDryRun(
  io: { out(text: string): void },
  ledger: string,
  pending: readonly Migration[],
  unknown: readonly string[],
): void {
  io.out(`Dry run, nothing applied. Ledger: ${ledger}.`)
  if (unknown.length > 0) {
    // A ledger migrated by a newer bridge: this (older) code may not understand its schema.
    io.out(`The ledger has migrations these files do not: ${unknown.join(', ')} (a newer bridge migrated it).`)
  }
  if (pending.length === 0) {
    io.out('No pending migration: the ledger is up to date.')
    return
  }
  io.out(`${pending.length} pending migration(s), applied in this order in one transaction:`)
  for (const m of pending) {
    io.out(`  ${m.file}`)
    for (const change of describeMigration(m.sql)) io.out(`    ${change}`)
  }
}
