/**
 * The mapping spec format: what a data manager writes in YAML, checked by zod. Objects are strict so a
 * misspelt key is an error that points at its line, never a silently ignored setting.
 *
 * Metadata is named by code (codes are the programme's contracts, community-program.md); UIDs are
 * accepted too. The target is a discriminated union on `kind` so that tracker events of a program stage
 * can be added next to `dataValueSet` without changing the rest of the format.
 */
import { z } from 'zod'
import { PERIOD_TYPES } from '../dhis2/periods'

export const SOURCE_KINDS = ['kobo', 'odk-central', 'csv', 'xlsx', 'webhook', 'dhis2'] as const
export type SourceKind = (typeof SOURCE_KINDS)[number]

const fieldName = z.string().trim().min(1)
const scalar = z.union([z.string(), z.number(), z.boolean()])

const source = z.strictObject({
  kind: z.enum(SOURCE_KINDS),
  /**
   * What a field absent from a record means: `blank` (Kobo and ODK omit unanswered questions) or
   * `error` (a CSV reader gives every column of the header, so an absent key is a missing column).
   */
  absentField: z.enum(['blank', 'error']).default('blank'),
  /** Fields the spec does not use: `ignore`, or `warn` once per record (extra spreadsheet columns). */
  extraFields: z.enum(['ignore', 'warn']).default('ignore'),
  /** Fields never reported as extra; `*` at the end matches a prefix (`_*`, `meta/*`). */
  ignoreFields: z.array(fieldName).default([]),
})

const identity = z.strictObject({
  /** The fields whose values make the source key of a record (`_id` for Kobo, RC code and month for a CSV). */
  key: z.array(fieldName).min(1),
  /** The field holding this version's id (Kobo `meta/instanceID`). */
  version: fieldName.optional(),
  /** The field naming the version this record replaces (Kobo `meta/deprecatedID`). */
  replaces: fieldName.optional(),
})

const dataValueSetTarget = z.strictObject({
  kind: z.literal('dataValueSet'),
  dataSet: z.string().trim().min(1),
  /** The period type the spec was written for; a different type in the metadata is drift. */
  periodType: z.enum(PERIOD_TYPES).optional(),
  attributeOptionCombo: z.string().trim().min(1).optional(),
})

/** Only data value sets for now; `trackerEvent` (program + programStage) will be a second member. */
const target = z.discriminatedUnion('kind', [dataValueSetTarget])

const orgUnit = z.strictObject({
  field: fieldName,
  /** Which identifiers a source value may be, tried in this order. */
  match: z
    .array(z.enum(['code', 'uid', 'name']))
    .min(1)
    .default(['code']),
  /** Known misspellings → the org unit's code or UID. Keys compare insensitive to case, spaces and accents. */
  aliases: z.record(z.string(), z.string().trim().min(1)).default({}),
})

const period = z.strictObject({
  field: fieldName,
})

const blankMode = z.enum(['none', 'zero'])

const condition = z
  .strictObject({
    field: fieldName,
    /** Compared insensitive to case, spaces and accents; a list means "any of". */
    equals: z.union([scalar, z.array(scalar).min(1)]).optional(),
    /** true: holds when the field is blank; false: when it is not. */
    blank: z.boolean().optional(),
  })
  .refine((c) => (c.equals === undefined) !== (c.blank === undefined), {
    message: 'a condition needs exactly one of `equals` or `blank`',
  })

const lookup = z.strictObject({
  field: fieldName,
  table: z.record(z.string(), scalar),
  default: scalar.optional(),
})

/** A value expression: exactly one of field, constant, sum, lookup, or condition. */
export interface ExpressionSpec {
  field?: string
  constant?: string | number | boolean
  sum?: string[]
  lookup?: z.infer<typeof lookup>
  condition?: ConditionalSpec
}
export interface ConditionalSpec {
  if: z.infer<typeof condition>
  then: ExpressionSpec
  else?: ExpressionSpec
}

export const EXPRESSION_KEYS = ['field', 'constant', 'sum', 'lookup', 'condition'] as const

const expressionShape = {
  field: fieldName.optional(),
  constant: scalar.optional(),
  sum: z.array(fieldName).min(1).optional(),
  lookup: lookup.optional(),
  get condition() {
    return conditional.optional()
  },
}

function exactlyOneExpression(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const present = EXPRESSION_KEYS.filter((k) => value[k] !== undefined)
  if (present.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        present.length === 0
          ? `a value needs one of ${EXPRESSION_KEYS.map((k) => `\`${k}\``).join(', ')}`
          : `a value takes only one of ${present.map((k) => `\`${k}\``).join(', ')}`,
      params: { relais: 'expression' },
    })
  }
}

const expression: z.ZodType<ExpressionSpec> = z.strictObject(expressionShape).superRefine(exactlyOneExpression)

const conditional: z.ZodType<ConditionalSpec> = z.strictObject({
  if: condition,
  then: expression,
  else: expression.optional(),
})

const valueRule = z
  .strictObject({
    dataElement: z.string().trim().min(1),
    /** Defaults to the `default` option combo. */
    categoryOptionCombo: z.string().trim().min(1).optional(),
    ...expressionShape,
    /** Overrides `defaults.blank` for this value. */
    blank: blankMode.optional(),
    /** Free text longer than this is cut, with a warning (otherwise DHIS2's 50,000 limit rejects it). */
    truncate: z.int().positive().optional(),
  })
  .superRefine(exactlyOneExpression)

const defaults = z.strictObject({
  /** `none`: a blank cell sends no value; `zero`: a blank numeric cell sends 0. */
  blank: blankMode.default('none'),
  /** Cell texts that mean blank, compared insensitive to case, spaces and accents. */
  blankTokens: z.array(z.string()).default(['-', 'N/A']),
})

const outliers = z.strictObject({
  /** Modified z-score threshold over the last 12 months (WHO Data Quality Tool default). */
  modifiedZ: z.number().positive().default(3.5),
  /** z-score threshold when fewer than `minMonths` months exist. */
  z: z.number().positive().default(3),
  minMonths: z.int().positive().default(6),
  months: z.int().positive().default(12),
})

/**
 * Whether a record is an RC's whole report, so that the bridge registers the data set complete once its values
 * are in DHIS2 (completeness and timeliness count completions, not values).
 */
const completion = z.strictObject({
  /** `true`: every record is a whole report (a Kobo monthly report); a condition: the rows that say so. */
  report: z.union([z.boolean(), condition]).default(false),
  /**
   * The field holding when the report was submitted, the completion date (so that a report that waited in a
   * queue is still on time). An ISO date-time; without an offset it is UTC (Kobo's `_submission_time`). Blank
   * or absent: the time of the import.
   */
  submittedAt: fieldName.optional(),
  /** Complete the report even when some of its values were refused (quarantined). */
  partial: z.boolean().default(false),
})

export const specSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'an id is lower-case letters, digits and dashes, like `kobo-rapport-rc`',
  }),
  version: z.int().positive(),
  description: z.string().min(1),
  source,
  identity,
  target,
  orgUnit,
  period,
  defaults: defaults.prefault({}),
  /** Fields that must not be blank for a record to be mapped. */
  required: z.array(fieldName).default([]),
  /**
   * Fields holding a person's identifier (a patient number, a phone): the bridge replaces each value by a
   * keyed-hash pseudonym (RELAIS_PSEUDONYM_KEY) before the record enters its ledger or DHIS2.
   */
  pseudonymise: z.array(fieldName).default([]),
  /**
   * Fields no value reads that the bridge must still keep in its ledger (for people reviewing a record). Every
   * other field the spec does not use is dropped when the record is received (data minimisation, DESIGN.md).
   */
  keep: z.array(fieldName).default([]),
  /** `all`: every validation rule of the snapshot on the data set's elements; or a list of rule codes. */
  validationRules: z.union([z.literal('all'), z.literal('none'), z.array(z.string().trim().min(1))]).default('all'),
  outliers: outliers.prefault({}),
  completion: completion.prefault({}),
  values: z.array(valueRule).min(1),
})

export type MappingSpec = z.infer<typeof specSchema>
export type ValueRuleSpec = MappingSpec['values'][number]
export type OrgUnitSpec = MappingSpec['orgUnit']
export type TargetSpec = MappingSpec['target']
export type BlankMode = z.infer<typeof blankMode>
export type ConditionSpec = z.infer<typeof condition>
export type LookupSpec = z.infer<typeof lookup>
export type CompletionSpec = z.infer<typeof completion>

/** The keys each kind of object takes, for "did you mean" hints on misspelt keys (see spec/positions.ts). */
export const OBJECT_KEYS: Record<string, readonly string[]> = {
  spec: Object.keys(specSchema.shape),
  source: Object.keys(source.shape),
  identity: Object.keys(identity.shape),
  target: Object.keys(dataValueSetTarget.shape),
  orgUnit: Object.keys(orgUnit.shape),
  period: Object.keys(period.shape),
  defaults: Object.keys(defaults.shape),
  outliers: Object.keys(outliers.shape),
  completion: Object.keys(completion.shape),
  report: ['field', 'equals', 'blank'],
  value: Object.keys(valueRule.shape),
  expression: [...EXPRESSION_KEYS],
  condition: ['if', 'then', 'else'],
  if: ['field', 'equals', 'blank'],
  lookup: Object.keys(lookup.shape),
}

/** Every key the format knows. */
export const SPEC_KEYS = [
  'id',
  'version',
  'description',
  'source',
  'kind',
  'absentField',
  'extraFields',
  'ignoreFields',
  'identity',
  'key',
  'replaces',
  'target',
  'dataSet',
  'periodType',
  'attributeOptionCombo',
  'orgUnit',
  'match',
  'aliases',
  'period',
  'defaults',
  'blank',
  'blankTokens',
  'required',
  'pseudonymise',
  'keep',
  'validationRules',
  'outliers',
  'modifiedZ',
  'z',
  'minMonths',
  'months',
  'completion',
  'report',
  'submittedAt',
  'partial',
  'values',
  'dataElement',
  'categoryOptionCombo',
  'truncate',
  'equals',
  'table',
  'default',
  'if',
  'then',
  'else',
  ...EXPRESSION_KEYS,
] as const
