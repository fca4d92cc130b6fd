/** `relais migrate`: applies the ledger's pending migrations (also done by `serve` at start). */
import { loadEnv } from '../config/env'
import { migrate, openLedger } from '../ledger'

export async function runMigrateCommand(
  io: { out(text: string): void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const config = loadEnv(env)
  const db = await openLedger({ database: config.database, migrate: false })
  try {
    const { applied } = await migrate(db)
    const where =
      config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.database.dataDir}`
    io.out(applied.length === 0 ? `Ledger up to date (${where}).` : `Applied ${applied.join(', ')} to ${where}.`)
    return 0
  } finally {
    await db.close()
  }
}
