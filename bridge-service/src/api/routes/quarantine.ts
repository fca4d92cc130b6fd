/** `/api/v1/quarantine`: records waiting for a data manager; release (optionally corrected) or discard. */
import type { Request } from 'express'
import { scopeFilter, type Scopes } from '../scope'
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { PipelineServices } from '../../pipeline/services'
import { ApiError, toApiError } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { visibleRecord } from './records'
import {
  idParams,
  named,
  pageQuery,
  pagedOf,
  QuarantineReason,
  RecordSummarySchema,
  recordSummaryDto,
} from '../schemas'
import { BulkResult, DiscardResult, ReleasePreviewSchema, ReleaseResult } from '../contract'

const listQuery = z.strictObject({
  reason: QuarantineReason.optional(),
  source: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  rcCode: z.string().trim().min(1).max(50).optional(),
  period: z.string().trim().min(1).max(20).optional(),
  within: z
    .string()
    .min(1)
    .max(50)
    .optional()
    .meta({ description: 'An org unit uid (a zone, an aire sanitaire): only the records of its RCs' }),
  ...pageQuery,
})

const QuarantineList = pagedOf('QuarantineList', RecordSummarySchema)

const ReleaseBody = named(
  'ReleaseRequest',
  z.object({
    corrected: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'The corrected raw record; it is validated again before it goes on' }),
    note: z
      .string()
      .trim()
      .max(1000)
      .optional()
      .meta({ description: "Why: kept in the record's history and the audit" }),
    keep: z
      .array(z.object({ dataElement: z.string().min(1).max(50), categoryOptionCombo: z.string().min(1).max(50) }))
      .max(500)
      .optional()
      .meta({
        description:
          "An overwrite, decided value by value: the values whose DHIS2 value stays (the others take the source's)",
      }),
  }),
)

const PreviewBody = named(
  'ReleasePreviewRequest',
  z.object({
    corrected: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'The corrected raw record, as a release would take it' }),
  }),
)

const BULK_MAX = 200

const BulkBody = named(
  'QuarantineBulkRequest',
  z.object({
    action: z.enum(['release', 'discard']),
    ids: z.array(z.string().min(1).max(100)).min(1).max(BULK_MAX),
    reason: z.string().trim().min(1, 'one reason is required for a decision on several records').max(1000),
  }),
)

const DiscardBody = named(
  'DiscardRequest',
  z.object({ reason: z.string().trim().min(1, 'a reason is required to discard a record').max(1000) }),
)

export interface QuarantineDeps {
  services: PipelineServices
  repos: Pick<LedgerRepositories, 'records'>
  scopes: Scopes
}

export function quarantineRoutes({ services, repos, scopes }: QuarantineDeps): Route[] {
  /** 404 for an unknown record or one outside the caller's org units, 409 for one not (any more) in quarantine. */
  const quarantined = async (id: string, req: Request) => {
    const record = await visibleRecord(repos, scopes, id, req)
    if (record.status !== 'quarantined')
      throw new ApiError(409, 'state-conflict', `Record ${id} is ${record.status}, not quarantined.`)
    return record
  }

  return [
    defineRoute({
      operationId: 'listQuarantine',
      method: 'get',
      path: '/api/v1/quarantine',
      tag: 'quarantine',
      summary: 'Quarantined records, newest first, by reason',
      access: { kind: 'action', action: 'records:read' },
      query: listQuery,
      responses: { 200: QuarantineList },
      errors: [400],
      async handle({ query: { page, pageSize, within, ...filter }, req }) {
        const caller = await scopes.of(req)
        const scope = scopeFilter(within ? await scopes.within(caller, within) : caller)
        const list = await repos.records.search({ ...filter, status: 'quarantined', ...scope }, { page, pageSize })
        return reply(200, { items: list.items.map((r) => recordSummaryDto(r)), pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'releaseRecord',
      method: 'post',
      path: '/api/v1/quarantine/{id}/release',
      tag: 'quarantine',
      summary: 'Release a quarantined record, optionally with a corrected payload (validated again)',
      access: { kind: 'action', action: 'quarantine:decide' },
      params: idParams,
      body: ReleaseBody,
      responses: { 200: ReleaseResult },
      errors: [400, 404, 409],
      async handle({ params, body, actor, req }) {
        await quarantined(params.id, req)
        const result = await services.release(params.id, actor, body.corrected, body.note, body.keep)
        return reply(200, { id: params.id, ...result })
      },
    }),
    defineRoute({
      operationId: 'previewRelease',
      method: 'post',
      path: '/api/v1/quarantine/{id}/preview',
      tag: 'quarantine',
      summary: 'What releasing a quarantined record would write, value by value, read against DHIS2 now',
      description:
        'Reads only: the record (or the correction in the body) is mapped as a release maps it and compared with ' +
        "what DHIS2 holds at its keys: new values, changed ones, and a person's values it would replace, with who " +
        'stored them and when. Shown before a release into a closed period.',
      access: { kind: 'action', action: 'quarantine:decide' },
      params: idParams,
      body: PreviewBody,
      responses: { 200: ReleasePreviewSchema },
      errors: [400, 404, 409],
      async handle({ params, body, req }) {
        await quarantined(params.id, req)
        const preview = await services.previewRelease(params.id, body.corrected)
        return reply(200, { id: params.id, ...preview })
      },
    }),
    defineRoute({
      operationId: 'decideQuarantineBulk',
      method: 'post',
      path: '/api/v1/quarantine/bulk',
      tag: 'quarantine',
      summary: `Release or discard up to ${BULK_MAX} quarantined records with one reason`,
      access: { kind: 'action', action: 'quarantine:decide' },
      body: BulkBody,
      responses: { 200: BulkResult },
      errors: [400],
      async handle({ body, actor, req }) {
        const results: Array<{ id: string; status: string; error?: string }> = []
        for (const id of new Set(body.ids)) {
          try {
            await quarantined(id, req)
            if (body.action === 'discard') {
              await services.discard(id, actor, body.reason)
              results.push({ id, status: 'discarded' })
            } else {
              const released = await services.release(id, actor, undefined, body.reason)
              results.push({ id, status: released.status })
            }
          } catch (error) {
            const known = toApiError(error)
            if (!known) throw error
            results.push({ id, status: 'refused', error: known.code })
          }
        }
        return reply(200, { results })
      },
    }),
    defineRoute({
      operationId: 'discardRecord',
      method: 'post',
      path: '/api/v1/quarantine/{id}/discard',
      tag: 'quarantine',
      summary: 'Discard a quarantined record, with a reason',
      access: { kind: 'action', action: 'quarantine:decide' },
      params: idParams,
      body: DiscardBody,
      responses: { 200: DiscardResult },
      errors: [400, 404, 409],
      async handle({ params, body, actor, req }) {
        await quarantined(params.id, req)
        await services.discard(params.id, actor, body.reason)
        return reply(200, { id: params.id, status: 'discarded' as const })
      },
    }),
  ]
}
