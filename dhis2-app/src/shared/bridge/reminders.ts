// The reminders' part of the bridge API, as the screens call it (issue 15 §1): paths, and types taken from the
// bridge's own zod schemas (bridge-service/src/api/contract-reminders.ts) — `import type` only, no zod bundled.
import type { z } from 'zod'
import type * as Contract from '@relais/bridge-service/src/api/contract-reminders'

export const REMINDER_PATHS = {
  rules: 'reminders/rules',
  sends: 'reminders/sends',
  effect: 'reminders/effect',
  send: 'reminders/send',
  run: 'reminders/run',
} as const

/** A rule as the bridge answers it (defaults filled). */
export type ReminderRule = z.output<typeof Contract.ReminderRule>
export type ReminderRulesAnswer = z.output<typeof Contract.ReminderRulesAnswer>
export type ReminderSend = z.output<typeof Contract.ReminderSendSchema>
export type ReminderEffect = z.output<typeof Contract.ReminderEffectAnswer>
export type ReminderEffectRow = ReminderEffect['rows'][number]
export type RemindNowAnswer = z.output<typeof Contract.RemindNowAnswer>
export type ReminderAudience = ReminderRule['audience']
export type ReminderChannel = ReminderRule['channels'][number]
