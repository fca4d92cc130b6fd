/**
 * `/api/v1/metadata`: the newest DHIS2 metadata snapshot (without its body), its drift findings (paged),
 * and the refresh this API process started, if any. `POST metadata/refresh` answers 202 at once and the
 * refresh goes on in the background (long work is async); poll GET metadata for the new snapshot.
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { Logger } from '../../log/logger'
import type { Actor, PipelineServices } from '../../pipeline/services'
import { defineRoute, reply, type Route } from '../route'
import { compact, LIST_FIELD_CHARS, named, Pager, pageQuery, timestamp } from '../schemas'

const RefreshState = named(
  'MetadataRefresh',
  z.object({
    state: z.enum(['idle', 'running', 'succeeded', 'failed']),
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    by: z.string().nullable(),
    snapshotId: z.string().nullable(),
    error: z.string().nullable(),
  }),
  "The last refresh started through this API process (the ledger's snapshot is what counts).",
)

const MetadataStatus = named(
  'MetadataStatus',
  z.object({
    snapshot: z
      .object({ id: z.string(), fetchedAt: timestamp, ageSeconds: z.number().int(), driftCount: z.number().int() })
      .nullable()
      .meta({ description: 'The newest snapshot; null when none was ever fetched' }),
    drift: z.object({ items: z.array(z.unknown()), pager: Pager }),
    refresh: RefreshState,
  }),
)

type Refresh = z.input<typeof RefreshState>

/** The refresh of this process: one at a time; a second request while one runs joins it. */
export class RefreshTracker {
  private current: Refresh = {
    state: 'idle',
    startedAt: null,
    finishedAt: null,
    by: null,
    snapshotId: null,
    error: null,
  }
  private running: Promise<void> | undefined

  constructor(
    private readonly services: PipelineServices,
    private readonly logger: Logger,
  ) {}

  get state(): Refresh {
    return this.current
  }

  /** Starts a refresh unless one is running. `settled` resolves when it ends (tests). */
  start(actor: Actor): { state: Refresh; settled: Promise<void> } {
    if (!this.running) {
      this.current = { ...this.current, state: 'running', startedAt: new Date().toISOString(), finishedAt: null }
      this.current.by = actor.name
      this.running = this.services.refreshMetadata(actor).then(
        ({ snapshotId }) => this.end({ state: 'succeeded', snapshotId, error: null }),
        (error: unknown) => {
          this.logger.error({ err: error }, 'metadata refresh failed')
          this.end({ state: 'failed', error: error instanceof Error ? error.message : String(error) })
        },
      )
    }
    return { state: this.current, settled: this.running }
  }

  private end(outcome: Partial<Refresh>): void {
    this.current = { ...this.current, ...outcome, finishedAt: new Date().toISOString() }
    this.running = undefined
  }
}

export interface MetadataDeps {
  repos: Pick<LedgerRepositories, 'snapshots'>
  refresh: RefreshTracker
  now: () => number
}

export function metadataRoutes({ repos, refresh, now }: MetadataDeps): Route[] {
  return [
    defineRoute({
      operationId: 'getMetadataStatus',
      method: 'get',
      path: '/api/v1/metadata',
      tag: 'metadata',
      summary: 'The newest metadata snapshot, its drift findings (paged) and the refresh in progress',
      access: { kind: 'action', action: 'metadata:read' },
      query: z.strictObject({ ...pageQuery }),
      responses: { 200: MetadataStatus },
      errors: [400],
      async handle({ query: { page, pageSize } }) {
        const [latest] = (await repos.snapshots.list({ page: 1, pageSize: 1 })).items
        const drift = latest?.drift ?? []
        return reply(200, {
          snapshot: latest
            ? {
                id: latest.id,
                fetchedAt: latest.fetchedAt.toISOString(),
                ageSeconds: Math.max(0, Math.floor((now() - latest.fetchedAt.getTime()) / 1000)),
                driftCount: drift.length,
              }
            : null,
          drift: {
            items: drift.slice((page - 1) * pageSize, page * pageSize).map((d) => compact(d, LIST_FIELD_CHARS)),
            pager: { page, pageSize, total: drift.length, pageCount: Math.ceil(drift.length / pageSize) },
          },
          refresh: refresh.state,
        })
      },
    }),
    defineRoute({
      operationId: 'refreshMetadata',
      method: 'post',
      path: '/api/v1/metadata/refresh',
      tag: 'metadata',
      summary: 'Fetch DHIS2 metadata now (in the background); poll GET /api/v1/metadata',
      access: { kind: 'action', action: 'metadata:refresh' },
      responses: { 202: RefreshState },
      async handle({ actor }) {
        return reply(202, refresh.start(actor).state)
      },
    }),
  ]
}
