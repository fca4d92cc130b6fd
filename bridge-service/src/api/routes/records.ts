/** `/api/v1/records`: search (paged) and one record with its history and DHIS2's messages. */
import { inScope, scopeFilter, type Scopes } from '../scope'
import { z } from 'zod'
import type { Request } from 'express'
import type { LedgerRepositories } from '../../ledger'
import type { LedgerRecord } from '../../ledger/records'
import type { RecordEvent } from '../../ledger/events'
import { readMapped } from '../../pipeline/map/payload'
import { dhis2MessagesOf } from '../dhis2-messages'
import { notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import {
  compact,
  DETAIL_FIELD_CHARS,
  idParams,
  iso,
  named,
  pageQuery,
  pagedOf,
  RecordStatus,
  RecordSummarySchema,
  recordSummaryDto,
} from '../schemas'
import { MAX_HISTORY, RecordDetail, RecordEventSchema, UncompleteResult } from '../contract'
import type { PipelineServices } from '../../pipeline/services'

export { MAX_HISTORY }

/** Newest events shown with a record (its full history stays in the ledger). */
const MAX_VERSIONS = 20

const statusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()))
  .pipe(z.array(RecordStatus).min(1))
  .meta({ description: 'One status or several separated by commas, e.g. quarantined,failed' })

const searchQuery = z.strictObject({
  source: z.string().min(1).optional(),
  sourceKey: z.string().min(1).optional(),
  rcCode: z.string().min(1).optional(),
  orgUnit: z.string().min(1).optional(),
  period: z.string().min(1).optional(),
  status: statusList.optional(),
  reason: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  ...pageQuery,
})

const RecordList = pagedOf('RecordList', RecordSummarySchema)

const eventDto = (e: RecordEvent): z.input<typeof RecordEventSchema> => ({
  id: e.id,
  at: iso(e.at),
  actor: e.actor,
  fromStatus: e.fromStatus,
  toStatus: e.toStatus,
  reason: e.reason,
  detail: compact(e.detail, DETAIL_FIELD_CHARS),
})

export interface RecordsDeps {
  repos: Pick<LedgerRepositories, 'records' | 'events' | 'audit'>
  scopes: Scopes
  services: Pick<PipelineServices, 'uncomplete'>
}

const UncompleteBody = named(
  'UncompleteRequest',
  z.object({ reason: z.string().trim().min(1, 'a reason is required to un-complete a report').max(1000) }),
)

/** A record the caller may see; outside their org units as if it did not exist (a 403 would confirm it does). */
export async function visibleRecord(
  repos: Pick<LedgerRepositories, 'records'>,
  scopes: Scopes,
  id: string,
  req: Request,
): Promise<LedgerRecord> {
  const record = await repos.records.get(id)
  if (!record || !inScope(await scopes.of(req), record.orgUnit)) throw notFound(`Record ${id}`)
  return record
}

export function recordsRoutes({ repos, scopes, services }: RecordsDeps): Route[] {
  return [
    defineRoute({
      operationId: 'searchRecords',
      method: 'get',
      path: '/api/v1/records',
      tag: 'records',
      summary: 'Find records by source key, RC code, org unit, period, status, run (filters are ANDed)',
      access: { kind: 'action', action: 'records:read' },
      query: searchQuery,
      responses: { 200: RecordList },
      errors: [400],
      async handle({ query: { page, pageSize, ...filter }, req }) {
        const list = await repos.records.search({ ...filter, ...scopeFilter(await scopes.of(req)) }, { page, pageSize })
        return reply(200, { items: list.items.map((r) => recordSummaryDto(r)), pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'getRecord',
      method: 'get',
      path: '/api/v1/records/{id}',
      tag: 'records',
      summary: 'One record: payloads, history and DHIS2 messages',
      description: 'Viewing a record (its payload) is written to the audit log as record.view.',
      access: { kind: 'action', action: 'records:read' },
      params: idParams,
      responses: { 200: RecordDetail },
      errors: [404],
      async handle({ params, actor, req }) {
        const record = await visibleRecord(repos, scopes, params.id, req)
        const [events, versions] = await Promise.all([
          repos.events.forRecord(record.id),
          repos.records.versions(record.source, record.sourceKey),
        ])
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'record.view',
          target: `record:${record.id}`,
        })
        return reply(200, {
          record: {
            ...recordSummaryDto(record, DETAIL_FIELD_CHARS),
            raw: record.raw,
            // DHIS2's shape, whatever form the ledger stores it in
            mapped: readMapped(record.mapped) ?? record.mapped,
          },
          history: events.slice(-MAX_HISTORY).map(eventDto),
          historyTotal: events.length,
          dhis2Messages: dhis2MessagesOf(events, record.lastError),
          versions: versions.slice(0, MAX_VERSIONS).map((v) => ({
            id: v.id,
            version: v.version,
            status: v.status,
            createdAt: iso(v.createdAt),
          })),
        })
      },
    }),
    defineRoute({
      operationId: 'uncompleteRecordReport',
      method: 'post',
      path: '/api/v1/records/{id}/uncomplete',
      tag: 'records',
      summary: 'Un-complete in DHIS2 the report of a record its source deleted (a data manager decides)',
      description:
        'Only for a record whose source retracted it (Kobo hard delete, noted deleted-at-source): DHIS2 keeps the ' +
        'registration with completed: false and its first date; the values stay. Noted in the history, audited.',
      access: { kind: 'action', action: 'quarantine:decide' },
      params: idParams,
      body: UncompleteBody,
      responses: { 200: UncompleteResult },
      errors: [400, 404, 409],
      async handle({ params, body, actor, req }) {
        const record = await visibleRecord(repos, scopes, params.id, req)
        const { status } = await services.uncomplete(record.id, actor, body.reason)
        return reply(200, { id: record.id, status })
      },
    }),
  ]
}
