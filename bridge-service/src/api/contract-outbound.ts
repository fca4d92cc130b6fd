/**
 * The outbound part of the bridge API contract (issue 19 §4): the signed webhooks sent to partners, as the sync
 * console lists them. Pure: zod, contract.ts and the ledger's constants; the app takes its types from here with
 * `import type`.
 */
import { z } from 'zod'
import { OUTBOUND_EVENTS, OUTBOUND_STATUSES } from '../ledger/outbound'
import { named, pagedOf, timestamp } from './contract'

export const OutboundEventName = named('OutboundEvent', z.enum(OUTBOUND_EVENTS))
export const OutboundStatusName = named(
  'OutboundStatus',
  z.enum(OUTBOUND_STATUSES),
  'pending: to be sent or retried; delivered: the partner answered 2xx; failed: refused (4xx) or out of attempts',
)

export const OutboundDeliverySchema = named(
  'OutboundDelivery',
  z.object({
    id: z.string().meta({ description: 'Also the X-Relais-Delivery header and `id` of the body the partner gets' }),
    subscription: z.string().meta({ description: 'Its name in relais.config.yaml `outbound:`' }),
    event: OutboundEventName,
    payload: z
      .record(z.string(), z.unknown())
      .meta({ description: 'What the partner receives as `data`: ids, codes, counts, periods only' }),
    status: OutboundStatusName,
    attempts: z.number().int().meta({ description: 'Attempts of the current round (a retry by hand starts one)' }),
    round: z.number().int(),
    lastStatus: z.number().int().nullable().meta({ description: "The partner's last HTTP status; null: no answer" }),
    lastError: z.string().nullable(),
    history: z
      .array(z.object({ at: timestamp, httpStatus: z.number().int().nullable(), error: z.string().nullable() }))
      .meta({ description: 'The last 20 attempts, oldest first' }),
    nextAttemptAt: timestamp.nullable().meta({ description: 'When it is tried again (pending only)' }),
    createdAt: timestamp,
    deliveredAt: timestamp.nullable(),
  }),
)

export const OutboundDeliveryList = pagedOf('OutboundDeliveryList', OutboundDeliverySchema)
