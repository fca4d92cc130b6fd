/**
 * The bridge's nightly maintenance (04:10, once across processes): payloads past their retention to the archive
 * (retention/), then the ledger's VACUUM / ANALYZE advice applied (ledger-health.ts); both in the audit log.
 */
import { repositories, type Db } from '../ledger'
import { archivePayloads, type RetentionPolicy, type RetentionReport } from '../retention/payload-archive'
import { applyMaintenance, readLedgerHealth, type Advice } from './ledger-health'

export async function nightlyMaintenance(
  db: Db,
  options: { archiveDir: string; policies: readonly RetentionPolicy[]; actor: string },
): Promise<{ retention: RetentionReport; applied: Advice[] }> {
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
  return { retention, applied }
}
