/**
 * The bridge's nightly maintenance (04:10, once across processes): a backup of the ledger (the last
 * BACKUPS_KEPT kept; copy them off the machine — docker/README.md, Backups), payloads past their retention to the
 * archive (retention/), then the ledger's VACUUM / ANALYZE advice applied (ledger-health.ts); all in the audit log.
 */
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { backupLedger, manifestPathOf, type BackupManifest } from '../backup/backup'
import { recordBackup } from '../backup/backup-log'
import { repositories, type Db } from '../ledger'
import { archivePayloads, type RetentionPolicy, type RetentionReport } from '../retention/payload-archive'
import { applyMaintenance, readLedgerHealth, type Advice } from './ledger-health'

/** Two weeks of nightly backups on the machine; older ones live off-site only. */
export const BACKUPS_KEPT = 14

/** Removes all but the `keep` newest backups of a folder (their names sort by time), manifests included. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^relais-ledger-.*\.jsonl\.gz$/.test(f)).sort()
  const old = files.slice(0, Math.max(files.length - keep, 0))
  for (const file of old) {
    await rm(join(dir, file), { force: true })
    await rm(manifestPathOf(join(dir, file)), { force: true })
  }
  return old
}

export async function nightlyMaintenance(
  db: Db,
  options: { archiveDir: string; backupDir?: string; policies: readonly RetentionPolicy[]; actor: string },
): Promise<{ backup?: BackupManifest; retention: RetentionReport; applied: Advice[] }> {
  let backup: BackupManifest | undefined
  if (options.backupDir) {
    backup = await backupLedger(db, { outDir: options.backupDir })
    await recordBackup(db, backup, options.actor)
    await pruneBackups(options.backupDir, BACKUPS_KEPT)
  }
  const retention = await archivePayloads(db, options)
  const health = await readLedgerHealth(db)
  const applied = await applyMaintenance(db, health)
  await repositories(db).audit.append({
    actor: options.actor,
    role: 'system',
    action: 'ledger.maintenance',
    target: 'ledger',
    detail: { advice: health.advice.map((a) => `${a.kind} ${a.target}`), applied: applied.map((a) => a.sql) },
  })
  return { ...(backup ? { backup } : {}), retention, applied }
}
