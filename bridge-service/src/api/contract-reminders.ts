/**
 * The reminders' part of the bridge API contract (issue 15 §1): zod schemas that validate at run time, become
 * the OpenAPI document and type the app's calls. Pure: zod, the rules' schema and contract.ts.
 */
import { z } from 'zod'
import { AUDIENCES, CHANNELS, PLACEHOLDERS, ReminderRuleSchema } from '../reminders/rules'
import { named, pagedOf, timestamp } from './contract'

export const ReminderRule = named(
  'ReminderRule',
  ReminderRuleSchema,
  'A reminder rule, as stored in DHIS2 (relais/reminder-rules)',
)

export const ReminderRulesUpdate = named(
  'ReminderRulesUpdate',
  z.strictObject({ rules: z.array(ReminderRule).max(50) }),
)

export const ReminderRulesAnswer = named(
  'ReminderRules',
  z.object({
    rules: z.array(ReminderRule),
    problems: z
      .array(z.string())
      .meta({ description: 'Stored rules that were refused (edited by hand), each skipped' }),
    audiences: z.array(z.enum(AUDIENCES)),
    channels: z.array(z.enum(CHANNELS)),
    placeholders: z.array(z.enum(PLACEHOLDERS)),
    defaultTemplates: z.record(z.enum(AUDIENCES), z.string()),
  }),
)

export const ReminderSendSchema = named(
  'ReminderSend',
  z.object({
    id: z.string(),
    ruleId: z.string().meta({ description: "The rule's id, or manual for « Relancer »" }),
    kind: z.enum(['reminder', 'escalation', 'summary', 'manual', 'holdout']),
    period: z.string(),
    orgUnit: z.string().meta({ description: 'The RC concerned' }),
    zone: z.string(),
    recipient: z.string().meta({ description: 'DHIS2 user id (no phone number is kept)' }),
    channel: z.enum(['message', 'sms', 'none']),
    day: z.string().meta({ description: 'Programme-local date, YYYY-MM-DD' }),
    template: z.string(),
    status: z.enum(['pending', 'sent', 'failed', 'held-out']),
    attempts: z.number().int(),
    answer: z
      .unknown()
      .meta({ description: "DHIS2's answer: HTTP status, conversation id or the SMS gateway's message" }),
    error: z.string().nullable(),
    actor: z.string(),
    createdAt: timestamp,
    sentAt: timestamp.nullable(),
    delivery: z
      .string()
      .nullable()
      .meta({
        description:
          "SMS only: the message's status in DHIS2's outbound SMS (SENT: taken by the gateway; FAILED; DELIVERED " +
          'where the gateway reports delivery; UNKNOWN: no longer listed by DHIS2), null until found',
      }),
  }),
)

export const ReminderSendList = pagedOf('ReminderSendList', ReminderSendSchema)

const Group = z.object({
  count: z.number().int().meta({ description: 'RC × days in the group' }),
  completed: z.number().int().meta({ description: 'Of them, completed that day or within the next 3' }),
  share: z.number().nullable(),
})

export const ReminderEffectRow = named(
  'ReminderEffectRow',
  z.object({
    period: z.string(),
    zone: z.string().nullable().meta({ description: 'A zone sanitaire, or null for all zones together' }),
    reminded: Group,
    heldOut: Group,
    difference: z.number().nullable().meta({ description: 'Percentage points, reminded minus held out' }),
  }),
)

export const ReminderEffectAnswer = named(
  'ReminderEffect',
  z.object({ rows: z.array(ReminderEffectRow), windowDays: z.number().int() }),
)

export const RemindNowRequest = named(
  'RemindNowRequest',
  z.strictObject({
    orgUnit: z.string().regex(/^[A-Za-z][A-Za-z0-9]{10}$/, 'a DHIS2 org unit id'),
    channels: z.array(z.enum(CHANNELS)).min(1).max(2).default(['message']),
  }),
)

export const RemindNowAnswer = named(
  'RemindNowAnswer',
  z.object({ outcome: z.literal('sent'), sends: z.array(ReminderSendSchema) }),
)

export const RemindersRunAnswer = named('RemindersRunAnswer', z.object({ accepted: z.literal(true) }))
