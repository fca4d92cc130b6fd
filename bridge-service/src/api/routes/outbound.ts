/**
 * `/api/v1/outbound` (issue 19 §4): the signed webhooks sent to partners — what was sent, to whom, how it went —
 * and a retry by hand of one that failed. For data managers and administrators (outbound:read, outbound:retry).
 */
import { z } from 'zod'
import type { LedgerRepositories } from '../../ledger'
import type { OutboundDelivery } from '../../ledger/outbound'
import { OutboundRetryError, type Outbound } from '../../outbound/outbound'
import { retryByHand } from '../../outbound/retry'
import { OutboundDeliveryList, OutboundDeliverySchema, OutboundStatusName } from '../contract-outbound'
import { ApiError, notFound } from '../errors'
import { defineRoute, reply, type Route } from '../route'
import { idParams, iso, isoOrNull, pageQuery } from '../schemas'

const listQuery = z.strictObject({
  status: OutboundStatusName.optional(),
  subscription: z.string().min(1).max(100).optional(),
  ...pageQuery,
})

export function outboundDto(d: OutboundDelivery): z.input<typeof OutboundDeliverySchema> {
  return {
    id: d.id,
    subscription: d.subscription,
    event: d.event,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    round: d.round,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    history: d.history,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    createdAt: iso(d.createdAt),
    deliveredAt: isoOrNull(d.deliveredAt),
  }
}

export interface OutboundDeps {
  /**
   * The pipeline's outbound webhooks; absent when relais.config.yaml subscribes none: then there is no delivery —
   * the list is empty and a retry finds nothing (404), never a 5xx for a feature simply not in use.
   */
  outbound: Pick<Outbound, 'list' | 'retry'> | undefined
  repos: Pick<LedgerRepositories, 'audit'>
}

export function outboundRoutes({ outbound, repos }: OutboundDeps): Route[] {
  return [
    defineRoute({
      operationId: 'listOutbound',
      method: 'get',
      path: '/api/v1/outbound',
      tag: 'outbound',
      summary: 'Outbound webhooks sent to partners, newest first, by status and subscription',
      access: { kind: 'action', action: 'outbound:read' },
      query: listQuery,
      responses: { 200: OutboundDeliveryList },
      errors: [400],
      async handle({ query: { page, pageSize, ...filter } }) {
        if (!outbound) return reply(200, { items: [], pager: { page, pageSize, total: 0, pageCount: 0 } })
        const list = await outbound.list(filter, { page, pageSize })
        return reply(200, { items: list.items.map(outboundDto), pager: list.pager })
      },
    }),
    defineRoute({
      operationId: 'retryOutbound',
      method: 'post',
      path: '/api/v1/outbound/{id}/retry',
      tag: 'outbound',
      summary: 'Send a failed outbound webhook again, from a new round of attempts',
      access: { kind: 'action', action: 'outbound:retry' },
      params: idParams,
      responses: { 200: OutboundDeliverySchema },
      errors: [404, 409],
      async handle({ params, actor }) {
        try {
          // The same function as `relais outbound retry`: one way to retry, one audit row.
          const retried = await retryByHand({ outbound, audit: repos.audit }, params.id, actor)
          return reply(200, outboundDto(retried))
        } catch (error) {
          if (!(error instanceof OutboundRetryError)) throw error
          if (error.code === 'not-found') throw notFound(`Outbound delivery ${params.id}`)
          throw new ApiError(409, 'state-conflict', error.message)
        }
      },
    }),
  ]
}
