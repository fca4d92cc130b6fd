/**
 * `/api/v1/tracing` (issue 19 §3): HIV care sites send their lists of patients lost to follow-up, signed as webhook
 * deliveries are (X-Relais-Timestamp, X-Relais-Signature over "<timestamp>.<raw body>" with the site's secret);
 * data managers and administrators follow the cases (tracing codes only) and the indicators.
 *
 * The list's body is read here, bounded, verified, and handed to tracing.receive, which pseudonymises each row
 * before anything is stored: the raw body never reaches the ledger, the upload spool or the logs.
 */
import { z } from 'zod'
import type { TracingCase } from '../../ledger/tracing'
import type { LedgerRepositories } from '../../ledger'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../sources/webhook/hmac'
import { checkDelivery, type ReplayCache } from '../../sources/webhook/replay'
import { ListError, MAX_LIST_BYTES } from '../../tracing/list'
import { UnknownSiteError, type Tracing } from '../../tracing/tracing'
import { assertDeclaredLength, assertIdentityEncoding, readBody } from '../body'
import {
  TracingCaseList,
  TracingListAccepted,
  TracingStatusName,
  TracingSummary,
  TracingCaseSchema,
} from '../contract-tracing'
import { ApiError, notFound } from '../errors'
import { WindowCounter } from '../window-counter'
import { defineRoute, reply, type Route } from '../route'
import { idParams, iso, isoOrNull, pageQuery } from '../schemas'

export interface TracingDeps {
  /** The pipeline's tracing; absent when relais.config.yaml has no `tracing:` (lists: 404, reads: empty). */
  tracing: Pick<Tracing, 'site' | 'listSecrets' | 'receive' | 'list' | 'counts' | 'assignRc' | 'get'> | undefined
  replayCache: ReplayCache
  repos: Pick<LedgerRepositories, 'audit'>
  now: () => number
}

const assignBody = z.strictObject({
  rcCode: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/, 'must be an RC org unit code, e.g. RC-AQ-00041'),
})
const siteParams = z.object({ site: z.string().min(1).max(40) })
const listQuery = z.strictObject({
  status: TracingStatusName.optional(),
  site: z.string().min(1).max(40).optional(),
  tracingCode: z.string().min(1).max(20).optional(),
  ...pageQuery,
})

export function tracingCaseDto(c: TracingCase): z.input<typeof TracingCaseSchema> {
  return {
    id: c.id,
    site: c.site,
    tracingCode: c.tracingCode,
    status: c.status,
    reason: c.reason,
    sex: c.sex,
    ageBand: c.ageBand,
    locality: c.locality,
    missedAppointment: c.missedAppointment,
    rcCode: c.rcCode,
    event: c.eventUid,
    outcome: c.outcome,
    outcomeDate: c.outcomeDate,
    attempts: c.attempts,
    receivedAt: iso(c.receivedAt),
    updatedAt: iso(c.updatedAt),
    outcomeSentAt: isoOrNull(c.outcomeSentAt),
  }
}

/**
 * A site sends a list a day at most, in practice; a flood is a fault or an attack. As for webhooks (inbound.ts),
 * signed lists are counted per site, and bad signatures per address, before their body is read.
 */
export const TRACING_LIMITS = { windowMs: 60_000, listsPerSite: 30, badSignaturesPerAddress: 60 }

export function tracingRoutes({ tracing, replayCache, repos, now }: TracingDeps): Route[] {
  const lists = new WindowCounter(TRACING_LIMITS.windowMs, now)
  const failures = new WindowCounter(TRACING_LIMITS.windowMs, now)
  const tooMany = (fr: string, en: string) => new ApiError(429, 'rate-limited', `${fr} ${en}`)
  const unknownSite = (code: string) =>
    new ApiError(
      404,
      'unknown-source',
      `Site inconnu : ${code}. Unknown care site "${code}": not a tracing site of relais.config.yaml.`,
    )
  return [
    defineRoute({
      operationId: 'receiveTracingList',
      method: 'post',
      path: '/api/v1/tracing/{site}/cases',
      tag: 'tracing',
      summary:
        'A care site’s signed list of patients lost to follow-up (CSV, or a FHIR Bundle of Patient + Appointment)',
      description:
        'Signed as webhook deliveries are (X-Relais-Timestamp, X-Relais-Signature with the site’s secret). Each row is ' +
        'checked on its own and pseudonymised before anything is stored; the answer lists refused rows by number. ' +
        'A case sent again is not a second task.',
      access: { kind: 'signature' },
      params: siteParams,
      rawBody: { contentTypes: ['text/csv', 'application/fhir+json'], description: 'The list' },
      responses: { 200: TracingListAccepted },
      errors: [400, 401, 404, 413, 429],
      async handle({ params, req }) {
        if (!tracing) throw unknownSite(params.site)
        let site
        try {
          site = tracing.site(params.site)
        } catch (error) {
          if (error instanceof UnknownSiteError) throw unknownSite(params.site)
          throw error
        }
        const address = req.socket.remoteAddress ?? 'unknown'
        if (failures.count(address) >= TRACING_LIMITS.badSignaturesPerAddress)
          throw tooMany(
            'Trop de listes mal signées depuis cette adresse : vérifiez le secret, puis réessayez plus tard.',
            `Too many lists with a bad signature from this address (at most ${TRACING_LIMITS.badSignaturesPerAddress} a minute): check the secret, then retry later.`,
          )
        assertIdentityEncoding(req)
        assertDeclaredLength(req, MAX_LIST_BYTES)
        const raw = await readBody(req, MAX_LIST_BYTES)
        const check = await checkDelivery(
          {
            rawBody: raw,
            timestamp: req.headers[TIMESTAMP_HEADER],
            signature: req.headers[SIGNATURE_HEADER],
            secret: tracing.listSecrets(site),
            now: now(),
          },
          replayCache,
        )
        if (!check.ok) {
          failures.add(address)
          throw new ApiError(401, 'invalid-signature', check.message, { reason: check.reason })
        }
        if (lists.add(site.code) > TRACING_LIMITS.listsPerSite)
          throw tooMany(
            `Trop de listes pour le site ${site.code} : réessayez dans une minute.`,
            `Too many lists for site "${site.code}" (at most ${TRACING_LIMITS.listsPerSite} a minute): retry in a minute.`,
          )
        try {
          const result = await tracing.receive(site.code, raw)
          return reply(200, { ...result, refused: result.refused.map((r) => ({ ...r, codes: [...r.codes] })) })
        } catch (error) {
          // Not stored: the same signed list sent again must be taken, not refused as a replay.
          await replayCache.forget(check.signature).catch(() => undefined)
          if (error instanceof ListError) throw new ApiError(400, 'invalid-request', error.message)
          throw error
        }
      },
    }),
    defineRoute({
      operationId: 'listTracingCases',
      method: 'get',
      path: '/api/v1/tracing/cases',
      tag: 'tracing',
      summary: 'Tracing cases, newest first, by status and site (tracing codes only)',
      access: { kind: 'action', action: 'tracing:read' },
      query: listQuery,
      responses: { 200: TracingCaseList },
      errors: [400],
      async handle({ query: { page, pageSize, ...filter } }) {
        if (!tracing) return reply(200, { items: [], pager: { page, pageSize, total: 0, pageCount: 0 } })
        const list = await tracing.list(filter, { page, pageSize })
        return reply(200, { items: list.items.map(tracingCaseDto), pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'assignTracingRc',
      method: 'post',
      path: '/api/v1/tracing/cases/{id}/assign',
      tag: 'tracing',
      summary: 'Name the RC of a case waiting for one (quarantined, or its task refused): its task is tried again',
      access: { kind: 'action', action: 'quarantine:decide' },
      params: idParams,
      body: assignBody,
      responses: { 200: TracingCaseSchema },
      errors: [400, 404, 409],
      async handle({ params, body, actor }) {
        const before = tracing ? await tracing.get(params.id) : undefined
        if (!tracing || !before) throw notFound(`Tracing case ${params.id}`)
        const assigned = await tracing.assignRc(params.id, body.rcCode)
        if (!assigned)
          throw new ApiError(
            409,
            'state-conflict',
            `Le cas ${before.tracingCode} n'attend pas de RC (${before.status}). Case ${before.tracingCode} is not waiting for an RC (${before.status}).`,
          )
        await repos.audit.append({
          actor: actor.name,
          role: actor.role,
          action: 'tracing.assign',
          target: `tracing-case:${params.id}`,
          detail: {
            tracingCode: before.tracingCode,
            rcCode: assigned.rcHint,
            was: before.status,
            reason: before.reason,
          },
        })
        return reply(200, tracingCaseDto(assigned))
      },
    }),
    defineRoute({
      operationId: 'tracingSummary',
      method: 'get',
      path: '/api/v1/tracing/summary',
      tag: 'tracing',
      summary: 'Per site: cases by status, cases traced (an outcome recorded) and returned to care',
      access: { kind: 'action', action: 'tracing:read' },
      responses: { 200: TracingSummary },
      async handle() {
        const rows = tracing ? await tracing.counts() : []
        const sites = new Map<
          string,
          {
            site: string
            cases: number
            byStatus: Record<string, number>
            traced: number
            returnedToCare: number
            byOutcome: Record<string, number>
          }
        >()
        for (const r of rows) {
          const s = sites.get(r.site) ?? {
            site: r.site,
            cases: 0,
            byStatus: {},
            traced: 0,
            returnedToCare: 0,
            byOutcome: {},
          }
          s.cases += r.cases
          s.byStatus[r.status] = (s.byStatus[r.status] ?? 0) + r.cases
          if (r.outcome) {
            s.traced += r.cases
            s.byOutcome[r.outcome] = (s.byOutcome[r.outcome] ?? 0) + r.cases
            if (r.outcome === 'RETROUVE_REVENU') s.returnedToCare += r.cases
          }
          sites.set(r.site, s)
        }
        return reply(200, { sites: [...sites.values()] })
      },
    }),
  ]
}
