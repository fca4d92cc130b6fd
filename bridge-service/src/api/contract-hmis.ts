/**
 * The national HMIS part of the bridge API contract (issue 19 §2): pushes of the programme's zone totals to the
 * national DHIS2 and their reconciliation reports. Pure: zod, contract.ts and the report's vocabulary.
 */
import { z } from 'zod'
import { LINE_STATUSES } from '../hmis/reconcile'
import { named, Pager, timestamp } from './contract'

export const HMIS_MODES = ['push', 'dry-run', 'check'] as const

export const HmisLineStatus = named(
  'HmisLineStatus',
  z.enum(LINE_STATUSES),
  'match; different; missing-at-national; unmapped (not sent: the spec maps no national cell or zone); refused ' +
    "(DHIS2's conflict in `conflict`); national-only (held there, not by the programme)",
)

export const HmisPushStart = named(
  'HmisPushStart',
  z.strictObject({
    period: z
      .string()
      .regex(/^\d{4}-?(0[1-9]|1[0-2])$/, 'a month: YYYY-MM, e.g. 2026-10')
      .meta({ description: 'The month pushed, YYYY-MM (or DHIS2 period id YYYYMM)' }),
    mode: z
      .enum(HMIS_MODES)
      .default('push')
      .meta({ description: "push; dry-run (DHIS2's dryRun: nothing written); check (read both sides only)" }),
  }),
)

export const HmisPushSchema = named(
  'HmisPush',
  z.object({
    id: z.string(),
    mode: z.enum(HMIS_MODES),
    period: z.string().meta({ description: 'DHIS2 period id, YYYYMM' }),
    actor: z.string(),
    trigger: z.enum(['cli', 'api', 'schedule']),
    specId: z.string(),
    specVersion: z.number().int(),
    status: z.enum(['running', 'done', 'failed']),
    counts: z.record(z.string(), z.number().int()).meta({ description: 'Report lines per status' }),
    importCounts: z
      .record(z.string(), z.number().int())
      .nullable()
      .meta({ description: "DHIS2's import counts (imported, updated, ignored, deleted); null for a check" }),
    error: z.string().nullable(),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
  }),
)

export const HmisPushList = named(
  'HmisPushList',
  z.object({
    items: z.array(HmisPushSchema),
    configured: z.boolean().meta({
      description:
        'Whether this bridge has a national HMIS to push to (an enabled `hmis:` in relais.config.yaml); when ' +
        'false a push is refused (409), and the pushes listed, if any, are from before',
    }),
  }),
)

export const HmisReportLineSchema = named(
  'HmisReportLine',
  z.object({
    period: z.string(),
    orgUnit: z.string().optional().meta({ description: "The programme's zone code" }),
    dataElement: z.string().optional().meta({ description: "The programme's cell, DATA_ELEMENT.COC codes" }),
    nationalOrgUnit: z.string().optional(),
    nationalDataElement: z.string().optional(),
    programmeValue: z.string().optional(),
    nationalValue: z.string().optional().meta({ description: 'What the national instance holds (read back)' }),
    status: HmisLineStatus,
    reason: z.object({ en: z.string(), fr: z.string() }).optional().meta({ description: 'Why, for every difference' }),
    conflict: z.string().optional(),
  }),
)

export const HmisReportSchema = named(
  'HmisReport',
  z.object({ push: HmisPushSchema, lines: z.array(HmisReportLineSchema), pager: Pager }),
)
