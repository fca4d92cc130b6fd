/** `/api/v1/audit`: who did what through the API or the CLI, newest first (administrateur only). */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { AuditEntry } from '../../ledger/audit'
import { defineRoute, reply, type Route } from '../route'
import { AuditEntrySchema, AuditList } from '../contract-audit'
import { compact, DETAIL_FIELD_CHARS, iso, pageQuery } from '../schemas'

const dateQuery = z.iso
  .datetime({ offset: true })
  .transform((text) => new Date(text))
  .meta({ description: 'ISO 8601 date and time, e.g. 2025-03-01T00:00:00Z' })

const auditQuery = z.strictObject({
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  since: dateQuery.optional().meta({ description: 'From this time (inclusive), ISO 8601' }),
  until: dateQuery.optional().meta({ description: 'Before this time (exclusive), ISO 8601' }),
  ...pageQuery,
})

const entryDto = (e: AuditEntry): z.input<typeof AuditEntrySchema> => ({
  id: e.id,
  at: iso(e.at),
  actor: e.actor,
  role: e.role,
  action: e.action,
  target: e.target,
  detail: compact(e.detail, DETAIL_FIELD_CHARS),
})

export function auditRoutes({ repos }: { repos: Pick<LedgerRepositories, 'audit'> }): Route[] {
  return [
    defineRoute({
      operationId: 'listAudit',
      method: 'get',
      path: '/api/v1/audit',
      tag: 'audit',
      summary: 'The audit log, newest first',
      access: { kind: 'action', action: 'audit:read' },
      query: auditQuery,
      responses: { 200: AuditList },
      errors: [400],
      async handle({ query: { page, pageSize, ...filter } }) {
        const list = await repos.audit.list(filter, { page, pageSize })
        return reply(200, { items: list.items.map(entryDto), pager: list.pager })
      },
    }),
  ]
}
