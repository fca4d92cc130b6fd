/**
 * The operations part of the bridge API contract (issue 17 §3): the capacity report the « Exploitation » screen
 * shows, as `relais capacity` assembles it (capacity/capacity-report.ts). Pure: zod and contract.ts only; the
 * app takes its types from here with `import type`.
 */
import { z } from 'zod'
import { named, timestamp } from './contract'

const bytes = z.number().int().min(0)

export const CapacityReportSchema = named(
  'CapacityReport',
  z.object({
    today: z.iso.date().meta({ description: 'UTC day the report was made' }),
    ledger: z.object({
      tables: z.array(z.object({ name: z.string(), rows: z.number().int(), bytes })),
      ledgerBytes: bytes,
      growth: z
        .array(z.object({ month: z.string().meta({ description: 'YYYY-MM' }), records: z.number().int(), bytes }))
        .meta({ description: 'Records that arrived per month and the bytes they take, oldest first' }),
      activeRc: z.number().int().meta({ description: 'Distinct RC among the records of the last full month' }),
    }),
    dhis2Values: z
      .array(z.object({ period: z.string(), values: z.number().int() }))
      .optional()
      .meta({ description: "The programme's values in DHIS2 per month (absent: analytics did not answer)" }),
    redisBytes: bytes.optional().meta({ description: "Redis's used_memory (absent: Redis unreachable)" }),
    disk: z
      .object({ path: z.string(), freeBytes: bytes, sizeBytes: bytes })
      .optional()
      .meta({ description: "The data folder's filesystem" }),
    projection: z.object({
      bytesPerMonth: bytes,
      recordsPerMonth: z.number().int(),
      in12Months: bytes,
      in24Months: bytes,
      diskFullOn: z.iso.date().optional(),
      monthsLeft: z.number().optional(),
      bytesPerRcMonth: bytes.optional(),
      warning: z.object({ fr: z.string(), en: z.string() }).optional(),
    }),
    sizing: z
      .array(z.object({ rc: z.number().int(), months12: bytes, months24: bytes }))
      .meta({ description: 'What 1,000 / 20,000 / 100,000 RC need in 12 and 24 months (empty: no cost per RC yet)' }),
    lastBackup: z
      .object({
        at: timestamp,
        file: z.string().nullable(),
        bytes: bytes.optional(),
        sha256: z.string().optional(),
      })
      .optional()
      .meta({ description: 'The latest backup recorded in the audit log (absent: none yet)' }),
  }),
)
