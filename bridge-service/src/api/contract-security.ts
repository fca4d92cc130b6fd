/**
 * The security check's part of the bridge API contract (issue 16 §2): zod schemas that validate at run time,
 * become the OpenAPI document and type the app's calls. Pure: zod, the findings' vocabulary and contract.ts.
 */
import { z } from 'zod'
import { FINDING_CODES, SEVERITIES } from '../security/findings'
import { named, timestamp } from './contract'

export const SecurityFindingSchema = named(
  'SecurityFinding',
  z.object({
    key: z.string().meta({ description: 'Stable across days: code and subject' }),
    code: z.enum(FINDING_CODES),
    severity: z.enum(SEVERITIES),
    subject: z.object({
      kind: z.enum(['user', 'object', 'token', 'setting', 'route']),
      id: z.string(),
      name: z.string(),
    }),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())])),
  }),
)

const Counts = z.object({
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
})

export const SecurityReportSchema = named(
  'SecurityReport',
  z.object({
    day: z.iso.date(),
    createdAt: timestamp,
    actor: z.string(),
    dhis2Version: z.string(),
    counts: Counts,
    findings: z.array(SecurityFindingSchema).meta({ description: 'Most severe first' }),
    added: z.array(z.string()).meta({ description: 'Keys of the findings new since the previous report' }),
    resolved: z.array(SecurityFindingSchema).meta({ description: 'Findings of the previous report gone' }),
    problems: z.array(z.string()),
  }),
)

export const SecurityReportDays = named(
  'SecurityReportDays',
  z.object({
    items: z.array(
      z.object({
        day: z.iso.date(),
        createdAt: timestamp,
        counts: Counts,
        added: z.number().int(),
        resolved: z.number().int(),
      }),
    ),
  }),
)

export const SecurityRunAnswer = named('SecurityRunAnswer', z.object({ accepted: z.literal(true) }))
