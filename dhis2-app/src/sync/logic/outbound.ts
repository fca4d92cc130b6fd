// The partner deliveries (signed outbound webhooks, issue 19 §4) as people read them: statuses and events in
// words, the partner's last answer, what a retry may be asked for. Pure.
import i18n from '@dhis2/d2-i18n'
import type { OutboundDelivery, OutboundEvent, OutboundStatus } from '../api/types'
import type { Tone } from './status'

/** Every status, with its colour: a Record, so a status the bridge adds is a compile error here, not a gap. */
export const OUTBOUND_TONE: Readonly<Record<OutboundStatus, Tone>> = {
  pending: 'running',
  delivered: 'positive',
  failed: 'negative',
}
export const OUTBOUND_STATUSES = Object.keys(OUTBOUND_TONE) as OutboundStatus[]

export const isOutboundStatus = (value: string): value is OutboundStatus =>
  (OUTBOUND_STATUSES as readonly string[]).includes(value)

export function outboundStatusLabel(status: OutboundStatus): string {
  switch (status) {
    case 'pending':
      return i18n.t('To be sent')
    case 'delivered':
      return i18n.t('Delivered')
    case 'failed':
      return i18n.t('Delivery failed')
  }
}

export function outboundEventLabel(event: OutboundEvent): string {
  switch (event) {
    case 'report.completed':
      return i18n.t('Report completed')
    case 'run.finished':
      return i18n.t('Run finished')
    case 'quarantine.growing':
      return i18n.t('Quarantine growing')
  }
}

/**
 * The bridge sends again only a delivery that failed (a pending one is already being tried, on its own backoff):
 * the action is offered for those only, so that it is never refused.
 */
export const mayRetryDelivery = (delivery: Pick<OutboundDelivery, 'status'>): boolean => delivery.status === 'failed'

/** The rounds as people count them: the ledger's first, automatic round is 0. */
export const roundNumber = (delivery: Pick<OutboundDelivery, 'round'>): number => delivery.round + 1

/** "HTTP 503 — Service Unavailable", "no answer — timeout after 10 s", "HTTP 200", "" (not tried yet). */
export function answerText(httpStatus: number | null, error: string | null): string {
  if (httpStatus === null)
    return error ? i18n.t('no answer — {{error}}', { error, interpolation: { escapeValue: false } }) : ''
  const status = `HTTP ${httpStatus}`
  // The bridge's error of a refusal often starts with the status itself ("HTTP 400"): not said twice.
  if (!error || error === status) return status
  return error.startsWith(`${status} `) ? error : `${status} — ${error}`
}

/** The list's query: a status only when it is one the bridge knows (an old or mistyped address is dropped). */
export function outboundParams(status: string, page: number, pageSize = 20): Record<string, string | number> {
  return { page: Math.max(1, Math.floor(page)), pageSize, ...(isOutboundStatus(status) ? { status } : {}) }
}

/** The list is worth refreshing while one of its deliveries is still being sent. */
export const anyPending = (items: readonly Pick<OutboundDelivery, 'status'>[]): boolean =>
  items.some((d) => d.status === 'pending')
