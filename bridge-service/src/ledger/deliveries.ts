/**
 * `webhook_deliveries` (migration 004): the signatures of webhook deliveries whose records are durable, written
 * in the records' transaction (pipeline/intake/intake.ts). The replay check asks here when Redis says a signature was
 * seen: only a signature stored here is a replay; one Redis saw but the ledger did not is the retry of a delivery
 * lost in a crash, and is taken (issue 11 §8).
 */
import type { Db } from './db'

/** Signatures older than this are pruned: a signed request is refused past 5 minutes of clock difference anyway. */
export const DELIVERY_MEMORY_MS = 15 * 60_000
/** At most one prune per process per this long (it runs inside an intake transaction). */
const PRUNE_EVERY_MS = 60_000

export function deliveriesRepository(db: Db, now: () => number = Date.now) {
  return {
    async record(source: string, signatures: readonly string[]): Promise<void> {
      await db.query(
        `INSERT INTO webhook_deliveries (source, signature) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [source, signatures],
      )
      if (now() - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = now()
        await db.query(`DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(secs => $1)`, [
          DELIVERY_MEMORY_MS / 1000,
        ])
      }
    },

    async stored(source: string, signature: string): Promise<boolean> {
      const rows = await db.query(`SELECT 1 FROM webhook_deliveries WHERE source = $1 AND signature = $2`, [
        source,
        signature,
      ])
      return rows.length > 0
    },
  }
}

let lastPrune = 0

export type DeliveriesRepository = ReturnType<typeof deliveriesRepository>
