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
      kind: z.enum(['user', 'object', 'token', 'setting', 'route', 'api-key']),
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

// DHIS2 2.41 cannot expire a password alone (passwordLastUpdated is not writable): `expire-account` is its
// account expiry date (POST /api/users/{id}/expired), the nearest it offers.
export const SECURITY_ACTIONS = ['disable', 'enable', 'remove-role', 'expire-account', 'message'] as const

export const SecurityActionRecord = named(
  'SecurityActionRecord',
  z.strictObject({
    action: z.enum(SECURITY_ACTIONS),
    users: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'a DHIS2 user id'))
      .min(1)
      .max(500)
      .meta({ description: 'The DHIS2 users acted on' }),
    role: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'a DHIS2 user role id')
      .optional()
      .meta({ description: 'remove-role: the role removed' }),
    done: z.number().int().min(0).max(500),
    failed: z.number().int().min(0).max(500),
  }),
  "An access-review action an administrator made in DHIS2 from the app, for the bridge's audit log",
)

export const SecurityActionRecorded = named('SecurityActionRecorded', z.object({ recorded: z.literal(true) }))
