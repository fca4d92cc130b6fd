/**
 * What became of a reminder SMS in DHIS2 (issue 15 §1, « SMS delivery status where the gateway gives one »).
 * DHIS2's `POST /api/sms/outbound` answers « SMS sent » without an id, and keeps each message as an OutboundSms
 * with a status: SENT or FAILED from its own gateways, DELIVERED (or another) where a gateway reports delivery.
 * Right after a send the bridge finds DHIS2's record by its words and number; later ticks read the status again
 * until it is final. Only DHIS2's uid is kept, never the number.
 */
import { z } from 'zod'
import type { Dhis2Client } from '../dhis2'

const outboundSchema = z.object({
  outboundSmss: z
    .array(
      z.object({
        id: z.string(),
        status: z.string().optional(),
        recipients: z.array(z.unknown()).optional(),
        date: z.string().optional(),
      }),
    )
    .default([]),
})

/** SmsUtils.removePhoneNumberPrefix, as DHIS2 stores the recipients: "+229…" and "00229…" become "229…". */
export const dhis2PhoneNumber = (phone: string) => phone.trim().replace(/^\+/, '').replace(/^00/, '')

/** DHIS2's newest outbound SMS with these words to this number: its uid and status, or undefined. */
export async function findOutboundSms(
  dhis2: Dhis2Client,
  text: string,
  phone: string,
): Promise<{ id: string; status: string } | undefined> {
  const answer = await dhis2.getJson(
    '/sms/outbound',
    { filter: `message:eq:${text}`, fields: 'id,status,recipients,date', order: 'date:desc', pageSize: 20 },
    outboundSchema,
  )
  const number = dhis2PhoneNumber(phone)
  const found = (answer?.outboundSmss ?? []).find((sms) => (sms.recipients ?? []).map(String).includes(number))
  return found ? { id: found.id, status: found.status ?? 'SENT' } : undefined
}

/** DHIS2 statuses of these outbound SMS; a uid DHIS2 no longer holds (deleted) is absent from the answer. */
export async function readOutboundStatuses(dhis2: Dhis2Client, ids: readonly string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>()
  // Short batches: the filter travels in the URL.
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50)
    const answer = await dhis2.getJson(
      '/sms/outbound',
      { filter: `id:in:[${batch.join(',')}]`, fields: 'id,status', paging: false },
      outboundSchema,
    )
    for (const sms of answer?.outboundSmss ?? []) statuses.set(sms.id, sms.status ?? 'SENT')
  }
  return statuses
}
