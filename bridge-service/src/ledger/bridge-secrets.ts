/** `bridge_secrets`: route secrets and API keys added or revoked without a restart (issue 16 §4). */
import { createHash } from 'node:crypto'
import type { Db } from './db'

export type SecretKind = 'route' | 'api-key'

export interface StoredSecret {
  readonly kind: SecretKind
  readonly name: string
  readonly role: string | null
  /** SHA-256 (hex) of the value; for a revoked API key, of its name. */
  readonly hash: string
  readonly expires: string | null
  readonly action: 'accept' | 'revoke'
  readonly createdAt: Date
  readonly createdBy: string
}

/** The one-way form a secret is kept and compared in. */
export const secretHash = (value: string) => createHash('sha256').update(value).digest('hex')

export function bridgeSecretsRepository(db: Db) {
  return {
    async add(entry: Omit<StoredSecret, 'createdAt'>): Promise<void> {
      await db.query(
        `INSERT INTO bridge_secrets (kind, name, role, hash, expires, action, created_by)
         VALUES ($1, $2, $3, $4, $5::date, $6, $7)`,
        [entry.kind, entry.name, entry.role, entry.hash, entry.expires, entry.action, entry.createdBy],
      )
    },

    async all(): Promise<StoredSecret[]> {
      const rows = await db.query<{
        kind: SecretKind
        name: string
        role: string | null
        hash: string
        expires: string | null
        action: 'accept' | 'revoke'
        created_at: Date
        created_by: string
      }>(
        `SELECT kind, name, role, hash, to_char(expires, 'YYYY-MM-DD') AS expires, action, created_at, created_by
           FROM bridge_secrets ORDER BY id`,
      )
      return rows.map((r) => ({
        kind: r.kind,
        name: r.name,
        role: r.role,
        hash: r.hash,
        expires: r.expires,
        action: r.action,
        createdAt: new Date(r.created_at),
        createdBy: r.created_by,
      }))
    },
  }
}
