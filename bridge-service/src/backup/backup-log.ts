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

export interface LastBackup {
  /** When it was recorded (ISO 8601, UTC). */
  at: string
  /** The backup's file name. */
  file: string | null
  bytes?: number
  sha256?: string
}

/** The latest `ledger.backup` entry of the audit log: when, which file, its size and checksum. */
export async function lastBackup(db: Db): Promise<LastBackup | undefined> {
  const [row] = await db.query<{ at: Date | string; target: string | null; detail: unknown }>(
    `SELECT at, target, detail FROM audit_log WHERE action = $1 ORDER BY at DESC, seq DESC LIMIT 1`,
    [BACKUP_ACTION],
  )
  if (!row) return undefined
  const detail = (typeof row.detail === 'object' && row.detail !== null ? row.detail : {}) as Record<string, unknown>
  return {
    at: new Date(row.at).toISOString(),
    file: row.target,
    ...(typeof detail.bytes === 'number' ? { bytes: detail.bytes } : {}),
    ...(typeof detail.sha256 === 'string' ? { sha256: detail.sha256 } : {}),
  }
}

/** Unix seconds of the last recorded backup, or undefined (the metric the alerts watch). */
export async function lastBackupAt(db: Db): Promise<number | undefined> {
  const last = await lastBackup(db)
  return last ? Date.parse(last.at) / 1000 : undefined
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
