/**
 * `relais backup [--out DIR] [--json] [--locale fr|en]`, `relais backup verify <file>` and
 * `relais restore <file> [--json] [--locale fr|en]` (issue 17 §1; backup/backup.ts and backup/restore.ts).
 * The backup reads through a running bridge on the embedded ledger; the restore wants an empty ledger and no
 * bridge on it (start the bridge after: it re-enqueues what was in flight and each source pulls from its cursor).
 */
import { join } from 'node:path'
import { loadEnv } from '../config/env'
import { openLedger } from '../ledger'
import { backupLedger, type TableManifest } from '../backup/backup'
import { recordBackup } from '../backup/backup-log'
import { RestoreError, restoreLedger, verifyBackupFile } from '../backup/restore'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { userInfo } from 'node:os'

export const BACKUP_USAGE = `Usage:
  relais backup [--out DIR] [--json] [--locale fr|en]
      the whole ledger, one consistent snapshot, to DIR (default <RELAIS_DATA_DIR>/backups): a .jsonl.gz file and
      its .manifest.json (SHA-256 of the file, rows and SHA-256 per table). Copy both off the machine.
  relais backup verify <file>      the file against its manifest (size and SHA-256)
  relais restore <file> [--json] [--locale fr|en]
      into an EMPTY ledger (DATABASE_URL, or RELAIS_DATA_DIR for the embedded one), checked table by table`

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function progress(io: CliIo, fr: boolean, json: boolean) {
  return (table: TableManifest) => {
    if (!json) io.out(`  ${table.name.padEnd(24)} ${String(table.rows).padStart(9)} ${fr ? 'ligne(s)' : 'row(s)'}`)
  }
}

export async function runBackupCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(BACKUP_USAGE)
    return 0
  }
  const fr = localeOf(values) === 'fr'
  const json = values.json === true
  if (positionals[0] === 'verify') {
    const file = positionals[1]
    if (!file) throw new UsageError(BACKUP_USAGE)
    try {
      const manifest = await verifyBackupFile(file)
      const rows = manifest.tables.reduce((n, t) => n + t.rows, 0)
      io.out(
        json
          ? JSON.stringify({ ok: true, manifest })
          : fr
            ? `Sauvegarde intacte : ${manifest.file}, ${mib(manifest.bytes)}, ${rows} ligne(s), schéma ${manifest.schemaVersion}, du ${manifest.createdAt}.`
            : `Backup intact: ${manifest.file}, ${mib(manifest.bytes)}, ${rows} row(s), schema ${manifest.schemaVersion}, of ${manifest.createdAt}.`,
      )
      return 0
    } catch (error) {
      if (!(error instanceof RestoreError)) throw error
      io.err(fr ? error.fr : error.message)
      return 1
    }
  }
  if (positionals.length > 0) throw new UsageError(`unknown backup command "${positionals.join(' ')}"\n${BACKUP_USAGE}`)
  const bridge = loadEnv(env)
  const outDir = values.out ?? join(bridge.dataDir, 'backups')
  const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
  try {
    if (!json) io.out(fr ? `Sauvegarde du registre vers ${outDir} :` : `Backing up the ledger to ${outDir}:`)
    const manifest = await backupLedger(db, { outDir, onTable: progress(io, fr, json) })
    await recordBackup(db, manifest, `cli:${userInfo().username}`)
    const rows = manifest.tables.reduce((n, t) => n + t.rows, 0)
    io.out(
      json
        ? JSON.stringify({ dir: outDir, ...manifest })
        : fr
          ? `Fait en ${seconds(manifest.durationMs)} : ${join(outDir, manifest.file)} (${mib(manifest.bytes)}, ${rows} ligne(s), sha256 ${manifest.sha256.slice(0, 16)}…) et son manifeste. Copiez les deux hors de cette machine.`
          : `Done in ${seconds(manifest.durationMs)}: ${join(outDir, manifest.file)} (${mib(manifest.bytes)}, ${rows} row(s), sha256 ${manifest.sha256.slice(0, 16)}…) and its manifest. Copy both off this machine.`,
    )
    return 0
  } finally {
    await db.close()
  }
}

export async function runRestoreCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help) {
    io.out(BACKUP_USAGE)
    return 0
  }
  const file = positionals[0]
  if (!file || positionals.length > 1) throw new UsageError(BACKUP_USAGE)
  const fr = localeOf(values) === 'fr'
  const json = values.json === true
  const bridge = loadEnv(env)
  // Not migrated on opening: the restore builds the backup's own schema first.
  const db = await openLedger({ database: bridge.database, migrate: false })
  try {
    if (!json) io.out(fr ? `Restauration de ${file} :` : `Restoring ${file}:`)
    const report = await restoreLedger(db, file, { onTable: progress(io, fr, json) })
    const rows = report.tables.reduce((n, t) => n + t.rows, 0)
    io.out(
      json
        ? JSON.stringify(report)
        : fr
          ? `Restauré et vérifié en ${seconds(report.durationMs)} : ${rows} ligne(s), chaque table identique à la sauvegarde du ${report.manifest.createdAt}` +
            `${report.migratedAfter.length > 0 ? ` ; puis ${report.migratedAfter.join(', ')}` : ''}. ` +
            'Démarrez le pont : il reprend les enregistrements en cours, et chaque source reprend depuis son curseur ce qui est arrivé après la sauvegarde.'
          : `Restored and checked in ${seconds(report.durationMs)}: ${rows} row(s), every table identical to the backup of ${report.manifest.createdAt}` +
            `${report.migratedAfter.length > 0 ? `; then ${report.migratedAfter.join(', ')}` : ''}. ` +
            'Start the bridge: it takes up the records in flight, and each source pulls from its cursor what came after the backup.',
    )
    return 0
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error
    io.err(fr ? error.fr : error.message)
    return 1
  } finally {
    await db.close()
  }
}
