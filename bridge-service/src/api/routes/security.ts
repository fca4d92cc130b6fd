/**
 * `/api/v1/security/*` (issue 16 §2): the daily security check's reports, for administrators only (they name
 * people and their accounts' weaknesses). Running the check now is audited.
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { SecurityReport } from '../../ledger/security-reports'
import type { Logger } from '../../log/logger'
import { countBySeverity } from '../../security/findings'
import type { SecurityService } from '../../security/security-check'
import {
  SecurityActionRecord,
  SecurityActionRecorded,
  SecurityReportDays,
  SecurityReportSchema,
  SecurityRunAnswer,
} from '../contract-security'
import { ApiError, notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { iso } from '../schemas'

export interface SecurityDeps {
  security: SecurityService | undefined
  repos: Pick<LedgerRepositories, 'audit'>
  logger: Logger
}

function service(security: SecurityService | undefined): SecurityService {
  if (!security) throw new ApiError(503, 'security-unavailable', 'The security check is not running in this bridge')
  return security
}

const reportDto = (r: SecurityReport): z.input<typeof SecurityReportSchema> => ({
  day: r.day,
  createdAt: iso(r.createdAt),
  actor: r.actor,
  dhis2Version: r.dhis2Version,
  counts: countBySeverity(r.findings),
  findings: r.findings,
  added: r.added,
  resolved: r.resolved,
  problems: r.problems,
})

const daysQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
})

const dayParams = z.object({ day: z.union([z.iso.date(), z.literal('latest')]) })

export function securityRoutes({ security, repos, logger }: SecurityDeps): Route[] {
  return [
    defineRoute({
      operationId: 'listSecurityReports',
      method: 'get',
      path: '/api/v1/security/reports',
      tag: 'security',
      summary: 'The days checked, newest first, with their counts by severity (default: the last 90 days)',
      access: { kind: 'action', action: 'security:read' },
      query: daysQuery,
      responses: { 200: SecurityReportDays },
      errors: [400, 503],
      async handle({ query }) {
        const to = query.to ?? new Date().toISOString().slice(0, 10)
        const from = query.from ?? new Date(Date.parse(to) - 89 * 86_400_000).toISOString().slice(0, 10)
        const reports = await service(security).between(from, to)
        return reply(200, {
          items: reports.map((r) => ({
            day: r.day,
            createdAt: iso(r.createdAt),
            counts: countBySeverity(r.findings),
            added: r.added.length,
            resolved: r.resolved.length,
          })),
        })
      },
    }),
    defineRoute({
      operationId: 'getSecurityReport',
      method: 'get',
      path: '/api/v1/security/reports/{day}',
      tag: 'security',
      summary: "A day's report (or `latest`): its findings, most severe first, and what changed since the day before",
      access: { kind: 'action', action: 'security:read' },
      params: dayParams,
      responses: { 200: SecurityReportSchema },
      errors: [400, 404, 503],
      async handle({ params }) {
        const svc = service(security)
        const report = params.day === 'latest' ? await svc.latest() : await svc.report(params.day)
        if (!report) throw notFound(`Security report ${params.day}`)
        return reply(200, reportDto(report))
      },
    }),
    defineRoute({
      operationId: 'runSecurityCheck',
      method: 'post',
      path: '/api/v1/security/run',
      tag: 'security',
      summary: "Run the security check now (today's report is replaced)",
      description: 'Answers 202 at once; the report appears in GET /security/reports/latest.',
      access: { kind: 'action', action: 'security:run' },
      responses: { 202: SecurityRunAnswer },
      errors: [503],
      async handle({ actor }) {
        const svc = service(security)
        await repos.audit.append({ actor: actor.name, role: actor.role, action: 'security.run', target: null })
        void svc.run(actor.name).catch((error: unknown) => logger.error({ err: error }, 'security check failed'))
        return reply(202, { accepted: true as const })
      },
    }),
    defineRoute({
      operationId: 'recordSecurityAction',
      method: 'post',
      path: '/api/v1/security/actions',
      tag: 'security',
      summary: 'Record in the audit log an access-review action an administrator made in DHIS2 from the app',
      description:
        "The app acts with the administrator's own DHIS2 session (DHIS2 checks the authority and keeps its own " +
        "audit); this keeps who did what to whom, and from where, in the bridge's audit log and evidence pack.",
      access: { kind: 'action', action: 'security:run' },
      body: SecurityActionRecord,
      responses: { 201: SecurityActionRecorded },
      errors: [400],
      async handle({ body, actor, req }) {
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: `security.${body.action}`,
          target: body.users.length === 1 ? `user:${body.users[0]}` : `users:${body.users.length}`,
          detail: {
            users: body.users,
            ...(body.role ? { role: body.role } : {}),
            done: body.done,
            failed: body.failed,
            // The address the call came from (through DHIS2's route: DHIS2's forwarded client address).
            from: req.get('x-forwarded-for')?.split(',')[0]?.trim() ?? req.socket.remoteAddress ?? null,
          },
        })
        return reply(201, { recorded: true as const })
      },
    }),
  ]
}
