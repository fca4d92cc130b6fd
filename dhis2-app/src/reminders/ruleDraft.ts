// A reminder rule as typed in the form (strings, as inputs give them), checked before it goes to the bridge —
// which checks it again (bridge-service/src/reminders/rules.ts). Pure: no React, no i18n (the editor words the
// problems).
import {
  DEFAULT_TEMPLATES,
  PLACEHOLDERS,
  renderTemplate,
  unknownPlaceholders,
} from '@relais/bridge-service/src/reminders/templates'
import type { ReminderAudience, ReminderChannel, ReminderRule } from '../shared/bridge/reminders'

export { PLACEHOLDERS }

export interface RuleDraft {
  id: string
  name: string
  enabled: boolean
  audience: ReminderAudience
  /** « 1, 3, 5 »: days after the month ends. */
  days: string
  channels: ReminderChannel[]
  template: string
  /** Blank: never tell the supervisor. */
  escalateAfter: string
  quietFrom: string
  quietTo: string
  holdoutPercent: string
}

export type DraftProblem =
  | { field: 'name'; code: 'required' }
  | { field: 'days'; code: 'days' }
  | { field: 'channels'; code: 'required' }
  | { field: 'template'; code: 'required' }
  | { field: 'template'; code: 'placeholder'; names: string[] }
  | { field: 'escalateAfter'; code: 'range' }
  | { field: 'quietFrom' | 'quietTo'; code: 'time' }
  | { field: 'holdoutPercent'; code: 'range' }

/** A new rule for an audience, with its French template and the usual days (the 1st, 3rd and 5th). */
export function newDraft(audience: ReminderAudience, existingIds: readonly string[]): RuleDraft {
  let n = existingIds.length + 1
  while (existingIds.includes(`regle-${n}`)) n += 1
  return {
    id: `regle-${n}`,
    name: '',
    enabled: true,
    audience,
    days: '1, 3, 5',
    channels: ['message', 'sms'],
    template: DEFAULT_TEMPLATES[audience],
    escalateAfter: audience === 'missing' ? '2' : '',
    quietFrom: '19:00',
    quietTo: '08:00',
    holdoutPercent: '10',
  }
}

export function draftOf(rule: ReminderRule): RuleDraft {
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled,
    audience: rule.audience,
    days: rule.days.join(', '),
    channels: [...rule.channels],
    template: rule.template,
    escalateAfter: rule.escalateAfter === null ? '' : String(rule.escalateAfter),
    quietFrom: rule.quietHours.from,
    quietTo: rule.quietHours.to,
    holdoutPercent: String(rule.holdoutPercent),
  }
}

/** « 1, 3 et 5 », « 1;3;5 », « 5 1 3 » → [1, 3, 5]; undefined when a part is not a day from 1 to 28. */
export function parseDays(text: string): number[] | undefined {
  const parts = text
    .split(/[^0-9]+/)
    .map((p) => p.trim())
    .filter(Boolean)
  if (parts.length === 0 || parts.length > 10) return undefined
  const days = parts.map(Number)
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 28)) return undefined
  return [...new Set(days)].sort((a, b) => a - b)
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

/** The rule to send, or what is wrong with the draft (every problem at once, so each field can say it). */
export function ruleOf(draft: RuleDraft): { rule: ReminderRule } | { problems: DraftProblem[] } {
  const problems: DraftProblem[] = []
  if (!draft.name.trim()) problems.push({ field: 'name', code: 'required' })
  const days = parseDays(draft.days)
  if (!days) problems.push({ field: 'days', code: 'days' })
  if (draft.channels.length === 0) problems.push({ field: 'channels', code: 'required' })
  const template = draft.template.trim()
  if (!template) problems.push({ field: 'template', code: 'required' })
  const unknown = unknownPlaceholders(template)
  if (unknown.length > 0) problems.push({ field: 'template', code: 'placeholder', names: unknown })
  const escalate = draft.escalateAfter.trim() === '' ? null : Number(draft.escalateAfter)
  if (escalate !== null && (!Number.isInteger(escalate) || escalate < 1 || escalate > 10))
    problems.push({ field: 'escalateAfter', code: 'range' })
  if (!TIME.test(draft.quietFrom)) problems.push({ field: 'quietFrom', code: 'time' })
  if (!TIME.test(draft.quietTo)) problems.push({ field: 'quietTo', code: 'time' })
  const holdout = Number(draft.holdoutPercent)
  if (draft.holdoutPercent.trim() === '' || !Number.isFinite(holdout) || holdout < 0 || holdout > 50)
    problems.push({ field: 'holdoutPercent', code: 'range' })
  if (problems.length > 0 || !days) return { problems }
  return {
    rule: {
      id: draft.id,
      name: draft.name.trim(),
      enabled: draft.enabled,
      audience: draft.audience,
      days,
      channels: [...draft.channels],
      template,
      escalateAfter: escalate,
      quietHours: { from: draft.quietFrom, to: draft.quietTo },
      holdoutPercent: holdout,
    },
  }
}

/** The message as an RC (or a supervisor) would read it, with sample values. */
export function previewOf(template: string, sample: { month: string; deadline: string }): string {
  return renderTemplate(template, {
    nom: 'Afiavi Houénou',
    mois: sample.month,
    date_limite: sample.deadline,
    rc: 'RC Afiavi Houénou (Zè-Centre)',
    jours_restants: '2',
  })
}

/** GSM 03.38's basic characters: a text of them only takes 160 per SMS; one other character (ê, ç, ’…) makes it 70. */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'

/** How many SMS a text takes (what the programme pays), and whether a character forces the 70-character kind. */
export function smsParts(text: string): { parts: number; unicode: boolean } {
  const unicode = [...text].some((c) => !GSM_BASIC.includes(c))
  const single = unicode ? 70 : 160
  const multi = unicode ? 67 : 153
  const length = [...text].length
  return { parts: length <= single ? 1 : Math.ceil(length / multi), unicode }
}
