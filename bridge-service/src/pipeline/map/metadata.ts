/**
 * The DHIS2 metadata snapshot the specs compile against, cached in the ledger (`metadata_snapshots`):
 * - `current()` answers the newest stored snapshot, fetching one from DHIS2 only when the ledger has none;
 *   it re-checks the ledger now and then, so a refresh made by another process is picked up;
 * - `refresh()` fetches the data sets the specs write to, stores the snapshot with its drift findings (each
 *   spec's compile errors against it: codes that no longer exist…) and clears the compiled mappers.
 * DHIS2 is called through the target's circuit breaker and retry policy, like every other request.
 */
import type { MetadataSnapshot } from '@relais/mappings'
import type { CircuitBreaker, Dhis2Client } from '../../dhis2'
import { withResilience, type RetryPolicy } from '../../dhis2'
import { repositories, type Db } from '../../ledger'
import type { Logger } from '../../log/logger'
import type { DriftFinding, SnapshotRef, SpecRegistry } from './specs'

/** How long the newest snapshot id is trusted before the ledger is asked again. */
const RECHECK_MS = 60_000

export interface MetadataServiceOptions {
  readonly db: Db
  readonly dhis2: Dhis2Client
  readonly breaker: CircuitBreaker
  readonly policy: RetryPolicy
  readonly specs: SpecRegistry
  readonly logger: Logger
}

export class MetadataService {
  private cached: { ref: SnapshotRef; checkedAt: number } | undefined
  private refreshing: Promise<{ snapshotId: string; drift: DriftFinding[] }> | undefined

  constructor(private readonly options: MetadataServiceOptions) {}

  /** Whether this process holds a snapshot already: `current()` then answers without asking DHIS2. */
  hasSnapshot(): boolean {
    return this.cached !== undefined
  }

  async current(): Promise<SnapshotRef> {
    const { db } = this.options
    const cached = this.cached
    if (cached && Date.now() - cached.checkedAt < RECHECK_MS) return cached.ref
    const snapshots = repositories(db).snapshots
    const newest = (await snapshots.list({ page: 1, pageSize: 1 })).items[0]
    if (cached && newest?.id === cached.ref.id) {
      this.cached = { ref: cached.ref, checkedAt: Date.now() }
      return cached.ref
    }
    if (newest) {
      const latest = await snapshots.latest<MetadataSnapshot>()
      if (latest) {
        this.cached = { ref: { id: latest.id, snapshot: latest.snapshot }, checkedAt: Date.now() }
        return this.cached.ref
      }
    }
    await this.refresh()
    if (!this.cached) throw new Error('no metadata snapshot after a refresh')
    return this.cached.ref
  }

  /**
   * The snapshot for a process that starts, waiting at most `ms`: a DHIS2 that hangs must not hold the bridge's
   * start for minutes (issue 11 §9). Past that, the snapshot keeps loading in the background, the map jobs wait
   * for it, and the API can still take input while DHIS2 is away; false says so.
   */
  async awaitFirst(ms: number): Promise<boolean> {
    let waited: NodeJS.Timeout | undefined
    try {
      const loading = this.current()
      loading.catch(() => undefined)
      await Promise.race([
        loading,
        new Promise((_resolve, reject) => {
          waited = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)
        }),
      ])
      return true
    } catch (error) {
      this.options.logger.warn({ err: { message: String(error) } }, 'no metadata snapshot yet: DHIS2 unreachable')
      return false
    } finally {
      clearTimeout(waited)
    }
  }

  /** Fetches the snapshot now (one refresh at a time), stores it with its drift, recompiles lazily. */
  refresh(): Promise<{ snapshotId: string; drift: DriftFinding[] }> {
    this.refreshing ??= this.fetchAndStore().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async fetchAndStore(): Promise<{ snapshotId: string; drift: DriftFinding[] }> {
    const { db, dhis2, breaker, policy, specs, logger } = this.options
    const codes = specs.dataSetCodes()
    const result = await withResilience(() => dhis2.getMetadataSnapshot(codes), { breaker, policy })
    if (result.missingDataSetCodes.length > 0)
      logger.warn(
        { missing: result.missingDataSetCodes },
        'DHIS2 has no data set with these codes (or cannot show them)',
      )
    const provisional: SnapshotRef = { id: `pending-${Date.now()}`, snapshot: result.snapshot }
    const drift = specs.drift(provisional)
    const saved = await repositories(db).snapshots.save(result.snapshot, drift)
    await repositories(db).snapshots.prune(10)
    specs.clear()
    this.cached = { ref: { id: saved.id, snapshot: result.snapshot }, checkedAt: Date.now() }
    if (drift.length > 0)
      logger.warn({ drift: drift.length, sources: [...new Set(drift.map((d) => d.source))] }, 'mapping drift found')
    else logger.info({ snapshotId: saved.id }, 'metadata snapshot refreshed')
    return { snapshotId: saved.id, drift }
  }
}
