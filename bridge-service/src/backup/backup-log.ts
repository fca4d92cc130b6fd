/**
 * Each backup is recorded in the audit log (`ledger.backup`, with its file, size, checksum and rows): who made
 * it and when, for the evidence pack, and for the metric the alert rules watch (the age of the last backup).
 */
import { statfs } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { repositories, type Db } from '../ledger'
import type { DiskStat } from '../api/metrics'
import type { BackupManifest } from './backup'

export const BACKUP_ACTION = 'ledger.backup'

export async function recordBackup(db: Db, manifest: BackupManifest, actor: string): Promise<void> {
  await repositories(db).audit.append({
    actor,
    role: 'system',
    action: BACKUP_ACTION,
    target: manifest.file,
    detail: {
      bytes: manifest.bytes,
      sha256: manifest.sha256,
      schemaVersion: manifest.schemaVersion,
      rows: Object.fromEntries(manifest.tables.map((t) => [t.name, t.rows])),
      durationMs: manifest.durationMs,
    },
  })
}

/** Unix seconds of the last recorded backup, or undefined. */
export async function lastBackupAt(db: Db): Promise<number | undefined> {
  const [row] = await db.query<{ at: number | string | null }>(
    `SELECT extract(epoch FROM max(at))::float8 AS at FROM audit_log WHERE action = $1`,
    [BACKUP_ACTION],
  )
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at)
}

/** The filesystem holding a folder (or, before it is made, its nearest existing parent): what is left on it. */
export async function diskOf(path: string): Promise<DiskStat> {
  for (let at = resolve(path); ; at = dirname(at)) {
    try {
      const s = await statfs(at)
      return { path, freeBytes: s.bavail * s.bsize, sizeBytes: s.blocks * s.bsize }
    } catch (error) {
      if (dirname(at) === at) throw error
    }
  }
}
