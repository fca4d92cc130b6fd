/**
 * Reminder rules (issue 15 §1), as a data manager sets them in the app. They live in DHIS2's dataStore
 * (`relais/reminder-rules`), next to the dashboard's thresholds: the app writes them with the user's own DHIS2
 * rights, the bridge reads them at each tick, and no rule is lost with a bridge's database. Pure: zod only.
 */
import { z } from 'zod'
import { PLACEHOLDERS, unknownPlaceholders } from './templates'

export { DEFAULT_TEMPLATES, PLACEHOLDERS, renderTemplate } from './templates'

export const RULES_NAMESPACE = 'relais'
export const RULES_KEY = 'reminder-rules'

/** Who a rule reminds. */
export const AUDIENCES = ['missing', 'refused', 'supervisors'] as const
export type Audience = (typeof AUDIENCES)[number]

export const CHANNELS = ['message', 'sms'] as const
export type Channel = (typeof CHANNELS)[number]

/** No message or SMS in the evening and the night, Benin time, unless a rule says otherwise. */
export const DEFAULT_QUIET_HOURS = { from: '19:00', to: '08:00' }

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24 h')

const template = z
  .string()
  .trim()
  .min(1)
  .max(480)
  .refine((text) => unknownPlaceholders(text).length === 0, {
    message: `unknown placeholder: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`,
  })

export const ReminderRuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/),
  name: z.string().trim().min(1).max(120),
  enabled: z.boolean().default(true),
  audience: z.enum(AUDIENCES),
  /** Days after the period ends: 1 is the first day of the next month. */
  days: z.array(z.number().int().min(1).max(28)).min(1).max(10),
  channels: z.array(z.enum(CHANNELS)).min(1).max(2),
  template,
  /** After this many reminders for one period, the RC's supervisor is told instead (null: never). */
  escalateAfter: z.number().int().min(1).max(10).nullable().default(null),
  /** No message or SMS between `from` and `to` (programme time); a tick in them waits for the next one. */
  quietHours: z.strictObject({ from: clock, to: clock }).default(DEFAULT_QUIET_HOURS),
  /**
   * The share of RC not reminded on a given day, drawn afresh each day: the comparison group that tells
   * whether reminders work (effect.ts). 0 turns it off.
   */
  holdoutPercent: z.number().min(0).max(50).default(10),
})
export type ReminderRule = z.infer<typeof ReminderRuleSchema>

export const ReminderRulesSchema = z.strictObject({ rules: z.array(ReminderRuleSchema).max(50) })

/**
 * The rules as stored, each checked on its own: one bad rule (edited by hand in the dataStore) is reported and
 * skipped, it does not silence the others.
 */
export function parseRules(stored: unknown): { rules: ReminderRule[]; problems: string[] } {
  const list = (stored as { rules?: unknown } | null)?.rules
  if (!Array.isArray(list)) return { rules: [], problems: stored == null ? [] : ['rules: not a list'] }
  const rules: ReminderRule[] = []
  const problems: string[] = []
  list.forEach((item, index) => {
    const parsed = ReminderRuleSchema.safeParse(item)
    if (parsed.success) rules.push(parsed.data)
    else
      problems.push(`rules[${index}]: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`)
  })
  return { rules, problems }
}
