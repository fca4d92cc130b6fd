/** `metadata_snapshots`: DHIS2 metadata cached in the ledger, with the drift found against the mappings. */
import type { Db } from './db'
import { pageBounds, paged, type PageRequest, type Paged } from './paging'
import { fromJson, json, toDate } from './sql'

export interface MetadataSnapshot<S = unknown, D = unknown> {
  readonly id: string
  readonly fetchedAt: Date
  readonly snapshot: S
  /** Drift findings, e.g. mapped codes that no longer exist in DHIS2. */
  readonly drift: D[]
}

export type SnapshotInfo<D = unknown> = Omit<MetadataSnapshot<unknown, D>, 'snapshot'>

interface Row {
  id: string
  fetched_at: unknown
  snapshot?: unknown
  drift: unknown
}

export function snapshotsRepository(db: Db) {
  return {
    async save<S, D>(snapshot: S, drift: readonly D[] = []): Promise<SnapshotInfo<D>> {
      const [row] = await db.query<Row>(
        `INSERT INTO metadata_snapshots (snapshot, drift) VALUES ($1::jsonb, $2::jsonb) RETURNING id, fetched_at, drift`,
        [json(snapshot), JSON.stringify(drift)],
      )
      return { id: row!.id, fetchedAt: toDate(row!.fetched_at), drift: fromJson<D[]>(row!.drift) ?? [] }
    },

    /** The newest snapshot, with its body. */
    async latest<S = unknown, D = unknown>(): Promise<MetadataSnapshot<S, D> | undefined> {
      const [row] = await db.query<Row>(
        'SELECT id, fetched_at, snapshot, drift FROM metadata_snapshots ORDER BY seq DESC LIMIT 1',
      )
      return (
        row && {
          id: row.id,
          fetchedAt: toDate(row.fetched_at),
          snapshot: fromJson<S>(row.snapshot) as S,
          drift: fromJson<D[]>(row.drift) ?? [],
        }
      )
    },

    /** Snapshots without their bodies, newest first. */
    async list<D = unknown>(page: PageRequest = {}): Promise<Paged<SnapshotInfo<D>>> {
      const bounds = pageBounds(page)
      const [count] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM metadata_snapshots')
      const rows = await db.query<Row>(
        `SELECT id, fetched_at, drift FROM metadata_snapshots ORDER BY seq DESC LIMIT $1 OFFSET $2`,
        [bounds.pageSize, bounds.offset],
      )
      const items = rows.map((r) => ({
        id: r.id,
        fetchedAt: toDate(r.fetched_at),
        drift: fromJson<D[]>(r.drift) ?? [],
      }))
      return paged(items, bounds, count?.total ?? 0)
    },

    /** Deletes all but the `keep` newest snapshots; answers how many went. */
    async prune(keep: number): Promise<number> {
      if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep must be ≥ 1 (got ${keep})`)
      const rows = await db.query<{ id: string }>(
        `DELETE FROM metadata_snapshots WHERE id IN (
           SELECT id FROM metadata_snapshots ORDER BY seq DESC OFFSET $1
         ) RETURNING id`,
        [keep],
      )
      return rows.length
    },
  }
}

export type SnapshotsRepository = ReturnType<typeof snapshotsRepository>
