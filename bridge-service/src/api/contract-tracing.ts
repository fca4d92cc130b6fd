/**
 * The tracing part of the bridge API contract (issue 19 §3): a site's list as answered, and the cases as data
 * managers see them — tracing codes, codes and dates only; never a site's identifier nor the full pseudonym.
 */
import { z } from 'zod'
import { TRACING_OUTCOMES, TRACING_STATUSES } from '../ledger/tracing'
import { named, pagedOf, timestamp } from './contract'

export const TracingStatusName = named(
  'TracingStatus',
  z.enum(TRACING_STATUSES),
  'quarantined: no RC found (looked at again hourly); task-pending / task-created / task-failed: the RC’s task in DHIS2; ' +
    'outcome-pending / outcome-sent / outcome-failed: the outcome owed to the site',
)
export const TracingOutcomeName = named('TracingOutcome', z.enum(TRACING_OUTCOMES))

export const TracingListAccepted = named(
  'TracingListAccepted',
  z.object({
    listId: z.string(),
    rows: z.number().int(),
    accepted: z.number().int().meta({ description: 'New cases: each becomes a task for an RC' }),
    duplicates: z.number().int().meta({ description: 'Cases already received: no second task' }),
    refused: z
      .array(z.object({ rowNumber: z.number().int(), codes: z.array(z.string()), message: z.string() }))
      .meta({ description: 'Rows refused, by number, with why (French and English); never a cell' }),
  }),
)

export const TracingCaseSchema = named(
  'TracingCase',
  z.object({
    id: z.string(),
    site: z.string(),
    tracingCode: z.string().meta({ description: 'The code the RC and the site’s counsellor share' }),
    status: TracingStatusName,
    reason: z.string().nullable(),
    sex: z.enum(['M', 'F']),
    ageBand: z.enum(['A_MOINS15', 'A_15_24', 'A_25PLUS']),
    locality: z.string(),
    missedAppointment: z.string(),
    rcCode: z.string().nullable(),
    event: z.string().meta({ description: 'The uid of the task’s event in DHIS2' }),
    outcome: TracingOutcomeName.nullable(),
    outcomeDate: z.string().nullable(),
    attempts: z.number().int(),
    receivedAt: timestamp,
    updatedAt: timestamp,
    outcomeSentAt: timestamp.nullable(),
  }),
)
export const TracingCaseList = pagedOf('TracingCaseList', TracingCaseSchema)

export const TracingSummary = named(
  'TracingSummary',
  z.object({
    sites: z.array(
      z.object({
        site: z.string(),
        cases: z.number().int(),
        byStatus: z.record(z.string(), z.number().int()),
        traced: z.number().int().meta({ description: 'Cases with an outcome recorded by the RC' }),
        returnedToCare: z.number().int().meta({ description: 'Outcome RETROUVE_REVENU' }),
        byOutcome: z.record(z.string(), z.number().int()),
      }),
    ),
  }),
)
