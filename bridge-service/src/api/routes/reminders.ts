/**
 * `/api/v1/reminders/*` (issue 15 §1): the rules a data manager sets (kept in DHIS2's dataStore, checked here),
 * the send log, whether reminders work, and « Relancer » from the dashboard's gap list. A supervisor reads and
 * reminds only the RC under their org units (scope.ts); what they cannot see is answered 404.
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { Logger } from '../../log/logger'
import type { ReminderSend } from '../../ledger/reminder-sends'
import { EFFECT_WINDOW_DAYS } from '../../reminders/effect'
import type { ReminderService } from '../../reminders/reminder-job'
import { AUDIENCES, CHANNELS, DEFAULT_TEMPLATES, PLACEHOLDERS, type ReminderRule } from '../../reminders/rules'
import {
  RemindNowAnswer,
  RemindNowRequest,
  ReminderEffectAnswer,
  ReminderRulesAnswer,
  ReminderRulesUpdate,
  ReminderSendList,
  RemindersRunAnswer,
  type ReminderSendSchema,
} from '../contract-reminders'
import { ApiError, notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { inScope, scopeFilter, type Scopes } from '../scope'
import { iso, pageQuery } from '../schemas'

export interface RemindersDeps {
  reminders: ReminderService | undefined
  scopes: Scopes
  repos: Pick<LedgerRepositories, 'audit'>
  logger: Logger
}

const sendsQuery = z.strictObject({
  period: z
    .string()
    .regex(/^\d{6}$/, 'a monthly period, e.g. 202611')
    .optional(),
  day: z.iso.date().optional(),
  status: z.enum(['pending', 'sent', 'failed', 'held-out']).optional(),
  orgUnit: z.string().min(1).max(20).optional(),
  ...pageQuery,
})

const sendDto = (s: ReminderSend): z.input<typeof ReminderSendSchema> => ({
  id: s.id,
  ruleId: s.ruleId,
  kind: s.kind,
  period: s.period,
  orgUnit: s.orgUnit,
  zone: s.zone,
  recipient: s.recipient,
  channel: s.channel,
  day: s.day,
  template: s.template,
  status: s.status,
  attempts: s.attempts,
  answer: s.answer,
  error: s.error,
  actor: s.actor,
  createdAt: iso(s.createdAt),
  sentAt: s.sentAt ? iso(s.sentAt) : null,
  delivery: s.delivery,
})

function service(reminders: ReminderService | undefined): ReminderService {
  if (!reminders) throw new ApiError(503, 'reminders-unavailable', 'Reminders are not running in this bridge')
  return reminders
}

/** The rules with what the editor offers (audiences, channels, placeholders, French templates). */
const rulesAnswer = (rules: ReminderRule[], problems: string[]) => ({
  rules,
  problems,
  audiences: [...AUDIENCES],
  channels: [...CHANNELS],
  placeholders: [...PLACEHOLDERS],
  defaultTemplates: DEFAULT_TEMPLATES,
})

const REFUSALS = {
  complete: [409, 'report-complete', 'The report is already complete: no reminder is needed'],
  'already-today': [409, 'already-reminded', 'This RC was already reminded today (one reminder a day at most)'],
  'no-user': [422, 'no-user-account', 'This RC has no DHIS2 user account to write to'],
} as const

export function remindersRoutes({ reminders, scopes, repos, logger }: RemindersDeps): Route[] {
  return [
    defineRoute({
      operationId: 'getReminderRules',
      method: 'get',
      path: '/api/v1/reminders/rules',
      tag: 'reminders',
      summary: 'The reminder rules, with the audiences, channels, placeholders and French templates to start from',
      access: { kind: 'action', action: 'reminders:read' },
      responses: { 200: ReminderRulesAnswer },
      errors: [502, 503],
      async handle() {
        const { rules, problems } = await service(reminders).rules()
        return reply(200, rulesAnswer(rules, problems))
      },
    }),
    defineRoute({
      operationId: 'saveReminderRules',
      method: 'post',
      path: '/api/v1/reminders/rules',
      tag: 'reminders',
      summary: 'Replace the reminder rules (checked, then written to DHIS2, audited)',
      access: { kind: 'action', action: 'reminders:configure' },
      body: ReminderRulesUpdate,
      responses: { 200: ReminderRulesAnswer },
      errors: [400, 502, 503],
      async handle({ body, actor }) {
        const ids = body.rules.map((r) => r.id)
        if (new Set(ids).size !== ids.length)
          throw new ApiError(400, 'invalid-request', 'Two rules have the same id', {
            issues: [{ path: 'rules', message: 'ids must be unique' }],
          })
        const svc = service(reminders)
        await svc.saveRules(body.rules)
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'reminders.rules.save',
          target: 'dataStore:relais/reminder-rules',
          detail: {
            rules: body.rules.map((r) => ({ id: r.id, enabled: r.enabled, days: r.days, channels: r.channels })),
          },
        })
        const { rules, problems } = await svc.rules()
        return reply(200, rulesAnswer(rules, problems))
      },
    }),
    defineRoute({
      operationId: 'runReminders',
      method: 'post',
      path: '/api/v1/reminders/run',
      tag: 'reminders',
      summary: "Check now which reminders are due, as the hourly check does (the rules' days and quiet hours apply)",
      description: 'Answers 202 at once; the sends appear in GET /reminders/sends.',
      access: { kind: 'action', action: 'reminders:configure' },
      responses: { 202: RemindersRunAnswer },
      errors: [503],
      async handle({ actor }) {
        const svc = service(reminders)
        await repos.audit.append({ actor: actor.name, role: actor.role, action: 'reminders.run', target: null })
        // In the background: a national check writes to thousands of RC; the log shows what went.
        void svc.tick().catch((error: unknown) => logger.error({ err: error }, 'reminders run failed'))
        return reply(202, { accepted: true as const })
      },
    }),
    defineRoute({
      operationId: 'listReminderSends',
      method: 'get',
      path: '/api/v1/reminders/sends',
      tag: 'reminders',
      summary: 'Every reminder sent, failed or held out, newest first',
      access: { kind: 'action', action: 'reminders:read' },
      query: sendsQuery,
      responses: { 200: ReminderSendList },
      errors: [400, 503],
      async handle({ query: { page, pageSize, ...filter }, req }) {
        const scope = await scopes.of(req)
        const inside = scopeFilter(scope).orgUnitIn
        if (filter.orgUnit && !inScope(scope, filter.orgUnit)) throw notFound(`Org unit ${filter.orgUnit}`)
        const list = await service(reminders).sends(
          { ...filter, ...(inside && !filter.orgUnit ? { orgUnitIn: inside } : {}) },
          { page, pageSize },
        )
        return reply(200, { items: list.items.map(sendDto), pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'getReminderEffect',
      method: 'get',
      path: '/api/v1/reminders/effect',
      tag: 'reminders',
      summary:
        'Whether reminders work: per month and zone, the share of reminded RC who completed within 3 days against RC held out that day',
      access: { kind: 'action', action: 'reminders:read' },
      responses: { 200: ReminderEffectAnswer },
      errors: [502, 503],
      async handle({ req }) {
        const scope = await scopes.of(req)
        const rows = (await service(reminders).effect()).filter((r) => r.zone === null || inScope(scope, r.zone))
        return reply(200, { rows, windowDays: EFFECT_WINDOW_DAYS })
      },
    }),
    defineRoute({
      operationId: 'remindNow',
      method: 'post',
      path: '/api/v1/reminders/send',
      tag: 'reminders',
      summary: '« Relancer »: one reminder now to one RC without a complete report (at most one a day)',
      access: { kind: 'action', action: 'reminders:send' },
      body: RemindNowRequest,
      responses: { 200: RemindNowAnswer },
      errors: [400, 404, 409, 422, 502, 503],
      async handle({ body, actor, req }) {
        if (!inScope(await scopes.of(req), body.orgUnit)) throw notFound(`Org unit ${body.orgUnit}`)
        const { outcome, sends } = await service(reminders).remindNow(body.orgUnit, body.channels, actor.name)
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'reminders.send',
          target: `orgUnit:${body.orgUnit}`,
          detail: { channels: body.channels, outcome },
        })
        if (outcome === 'unknown-rc') throw notFound(`Org unit ${body.orgUnit}`)
        if (outcome !== 'sent') {
          const [status, code, message] = REFUSALS[outcome]
          throw new ApiError(status, code, message)
        }
        return reply(200, { outcome, sends: sends.map(sendDto) })
      },
    }),
  ]
}
