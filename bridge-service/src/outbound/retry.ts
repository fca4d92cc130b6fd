/**
 * A retry by hand of one outbound delivery (issue 19 §4), the same from the API (`POST /api/v1/outbound/{id}/retry`)
 * and from the CLI (`relais outbound retry <id>`): a new round of attempts, enqueued, and the audit row naming who
 * asked. One function so that the two ways cannot drift apart (what is audited, with which detail).
 */
import type { LedgerRepositories } from '../ledger'
import type { OutboundDelivery } from '../ledger/outbound'
import type { Actor } from '../pipeline/services'
import { OutboundRetryError, type Outbound } from './outbound'

export interface RetryByHandDeps {
  /** Absent when relais.config.yaml subscribes none: then there is no delivery to retry (not found). */
  readonly outbound: Pick<Outbound, 'retry'> | undefined
  readonly audit: Pick<LedgerRepositories['audit'], 'append'>
}

/**
 * Sends delivery `id` again from a new round; throws OutboundRetryError (`not-found`, `not-failed`) when there is
 * nothing to retry — the caller words it (404/409, or a line on stderr).
 */
export async function retryByHand(deps: RetryByHandDeps, id: string, actor: Actor): Promise<OutboundDelivery> {
  if (!deps.outbound) throw new OutboundRetryError('not-found', `Outbound delivery ${id} does not exist.`)
  const retried = await deps.outbound.retry(id)
  await deps.audit.append({
    actor: actor.name,
    role: actor.role,
    action: 'outbound.retry',
    target: `outbound:${id}`,
    detail: { subscription: retried.subscription, event: retried.event, round: retried.round },
  })
  return retried
}
