/**
 * `/api/v1/hmis/*` (issue 19 §2): push the programme's zone totals of a month to the national HMIS (or a dry run,
 * or a check), the pushes, and a push's reconciliation report. Data managers and administrators (hmis:push,
 * hmis:read). A push is started and answered 202 with its id (it reads analytics and two DHIS2s: longer than a
 * DHIS2 route waits); its report is read when it is done. Starting one is audited.
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { HmisPush } from '../../ledger/hmis-pushes'
import type { HmisService } from '../../hmis/hmis-service'
import { HmisError } from '../../hmis/national-push'
import { NationalSpecError } from '../../hmis/national-spec'
import { HmisLineStatus, HmisPushList, HmisPushSchema, HmisPushStart, HmisReportSchema } from '../contract-hmis'
import { ApiError, notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { idParams, iso, isoOrNull, pageQuery } from '../schemas'

export interface HmisDeps {
  /**
   * Absent when relais.config.yaml has no (enabled) `hmis:`: lists are empty and say `configured: false`, a push is
   * refused (409).
   */
  hmis: Pick<HmisService, 'configured' | 'begin' | 'list' | 'get'> | undefined
  repos: Pick<LedgerRepositories, 'audit'>
}

export function hmisPushDto(p: HmisPush): z.input<typeof HmisPushSchema> {
  return {
    id: p.id,
    mode: p.mode,
    period: p.period,
    actor: p.actor,
    trigger: p.trigger,
    specId: p.specId,
    specVersion: p.specVersion,
    status: p.status,
    counts: Object.fromEntries(Object.entries(p.counts).map(([k, n]) => [k, n ?? 0])),
    importCounts: p.importCounts,
    error: p.error,
    startedAt: iso(p.startedAt),
    finishedAt: isoOrNull(p.finishedAt),
  }
}

const listQuery = z.strictObject({
  period: z
    .string()
    .regex(/^\d{4}-?(0[1-9]|1[0-2])$/, 'a month: YYYY-MM')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(24),
})

const reportQuery = z.strictObject({ status: HmisLineStatus.optional(), ...pageQuery })

const NOT_CONFIGURED =
  'No national HMIS is configured in this bridge: add an `hmis:` section to relais.config.yaml ' +
  '(aucun SNIS national configuré : ajoutez une section `hmis:` à relais.config.yaml)'

export function hmisRoutes({ hmis, repos }: HmisDeps): Route[] {
  return [
    defineRoute({
      operationId: 'startHmisPush',
      method: 'post',
      path: '/api/v1/hmis/pushes',
      tag: 'hmis',
      summary: "Push a month's zone totals to the national HMIS (or a dry run, or a check), with its report",
      description:
        'Answers 202 with the push at once; GET /hmis/pushes/{id} gives its status and, once done, its ' +
        'reconciliation report.',
      access: { kind: 'action', action: 'hmis:push' },
      body: HmisPushStart,
      responses: { 202: HmisPushSchema },
      errors: [400, 409],
      async handle({ body, actor }) {
        if (!hmis) throw new ApiError(409, 'state-conflict', NOT_CONFIGURED)
        const period = body.period.replace('-', '')
        let id: string
        try {
          id = await hmis.begin(body.mode, period, actor.name, 'api')
        } catch (error) {
          if (error instanceof HmisError) throw new ApiError(409, 'state-conflict', `${error.en} (${error.fr})`)
          if (error instanceof NationalSpecError) throw new ApiError(409, 'state-conflict', error.message)
          throw error
        }
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'hmis.push',
          target: id,
          detail: { mode: body.mode, period },
        })
        const started = await hmis.get(id)
        if (!started) throw notFound(`National HMIS push ${id}`)
        return reply(202, hmisPushDto(started.push))
      },
    }),
    defineRoute({
      operationId: 'listHmisPushes',
      method: 'get',
      path: '/api/v1/hmis/pushes',
      tag: 'hmis',
      summary: 'The national HMIS pushes, dry runs and checks, newest first (of one month with `period`)',
      description:
        '`configured` says whether the bridge has a national HMIS at all, so that a client says so without ' +
        'starting a push to read the refusal.',
      access: { kind: 'action', action: 'hmis:read' },
      query: listQuery,
      responses: { 200: HmisPushList },
      errors: [400],
      async handle({ query }) {
        if (!hmis) return reply(200, { items: [], configured: false })
        const items = await hmis.list({
          ...(query.period ? { period: query.period.replace('-', '') } : {}),
          limit: query.limit,
        })
        return reply(200, { items: items.map(hmisPushDto), configured: hmis.configured })
      },
    }),
    defineRoute({
      operationId: 'getHmisReport',
      method: 'get',
      path: '/api/v1/hmis/pushes/{id}',
      tag: 'hmis',
      summary:
        'A push and its reconciliation report: per period, zone and cell, both values and the reason of each difference',
      access: { kind: 'action', action: 'hmis:read' },
      params: idParams,
      query: reportQuery,
      responses: { 200: HmisReportSchema },
      errors: [400, 404],
      async handle({ params, query: { status, page, pageSize } }) {
        const found = hmis ? await hmis.get(params.id) : undefined
        if (!found) throw notFound(`National HMIS push ${params.id}`)
        const lines = status ? found.lines.filter((l) => l.status === status) : found.lines
        const total = lines.length
        return reply(200, {
          push: hmisPushDto(found.push),
          lines: lines.slice((page - 1) * pageSize, page * pageSize),
          pager: { page, pageSize, total, pageCount: Math.ceil(total / pageSize) },
        })
      },
    }),
  ]
}
