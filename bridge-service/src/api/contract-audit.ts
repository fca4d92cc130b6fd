/**
 * The audit log's part of the bridge API contract: what `GET /api/v1/audit` answers, for the OpenAPI document and
 * the app's « Sécurité » screen (typed from here, never copied). Pure: zod and contract.ts.
 */
import { z } from 'zod'
import { named, pagedOf, timestamp } from './contract'

export const AuditEntrySchema = named(
  'AuditEntry',
  z.object({
    id: z.string(),
    at: timestamp,
    actor: z.string(),
    role: z.string().nullable(),
    action: z.string().meta({ description: 'e.g. run.start, quarantine.release, quarantine.discard, record.view' }),
    target: z.string().nullable().meta({ description: 'e.g. record:<id>, run:<id>, source:<name>' }),
    detail: z.unknown(),
  }),
)

export const AuditList = pagedOf('AuditList', AuditEntrySchema)
