/**
 * What the mapper reports about a record: errors (the record must not be imported as is) and warnings
 * (imported, but worth a look). Every issue has a stable code, the source field and raw value it is
 * about, and a French and an English sentence — the bridge's quarantine screen and the app show them.
 */
import type { Bilingual } from '../spec/errors'

export interface MappingIssue {
  /** A Relais code (`ORG_UNIT_UNKNOWN`, …, see MAPPING_ISSUE_CODES) or DHIS2's own conflict code (`E7619`, …). */
  code: string
  /** The source field(s) the issue is about, comma-separated when several. */
  field?: string
  /** The raw source value, cut to RAW_MAX characters. */
  raw?: string
  /** Codes of the target, when the issue is about one value. */
  dataElement?: string
  categoryOptionCombo?: string
  /** The validation rule's code, for VALIDATION_RULE. */
  rule?: string
  /** DHIS2's own words, when DHIS2's rules refused it: for a details disclosure, not the message people read. */
  dhis2?: { errorCode: string; message: string }
  message: Bilingual
}

/** Raw values are cut in issues: a 60,000-character cell must not make a 60,000-character report. */
export const RAW_MAX = 200

export function clip(raw: string): string {
  return raw.length > RAW_MAX ? `${raw.slice(0, RAW_MAX)}…` : raw
}

/** Relais' own issue codes; DHIS2's E76xx conflicts keep DHIS2's codes. */
export const MAPPING_ISSUE_CODES = {
  RECORD_NOT_AN_OBJECT: 'error: the record is not a JSON object of fields',
  EMPTY_RECORD: 'warning: every field is blank (a trailing empty row); nothing to import',
  REQUIRED_FIELD_BLANK: 'error: a field listed in `required` is blank',
  MISSING_COLUMN: 'error: a field the spec reads is absent (a column missing from the file)',
  EXTRA_FIELDS: 'warning: fields the spec does not use (extra columns)',
  FORMULA_NOT_ALLOWED: 'error: a spreadsheet formula (`=SUM(…)`, `=cmd|…`) instead of a value',
  NOT_A_NUMBER: 'error: a field added up by a `sum` is not a number',
  NUMBER_AMBIGUOUS: 'error: `1,200` could be 1.2 or 1 200',
  LOOKUP_NO_MATCH: 'error: the value is not in the lookup table',
  ORG_UNIT_UNKNOWN: 'error: no org unit has this code, UID or name, and no alias names it',
  ORG_UNIT_AMBIGUOUS: 'error: several org units have this name',
  PERIOD_UNREADABLE: 'error: the period is not in a known form',
  PERIOD_TOO_COARSE: "error: the period spans several of the data set's periods",
  TEXT_TRUNCATED: 'warning: free text longer than `truncate` was cut',
  VALIDATION_RULE: 'error: a validation rule of the data set is violated',
  OUTLIER: "warning: the value is far above the org unit's own history",
  DUPLICATE_RECORD: 'warning: the same org unit and period with the same values as an earlier record; not sent twice',
  CONFLICTING_RECORDS: 'error: the same org unit and period with different values in several records',
  SUPERSEDED: 'warning: a later version of this record in the same batch replaces it',
  MAPPER_FAILURE: 'error: an unexpected failure while mapping (a bug: please report it)',
} as const

export type MappingIssueCode = keyof typeof MAPPING_ISSUE_CODES

export function mappingIssue(
  code: MappingIssueCode | string,
  message: Bilingual,
  about: Omit<MappingIssue, 'code' | 'message'> = {},
): MappingIssue {
  const out: MappingIssue = { code, message }
  if (about.field !== undefined) out.field = about.field
  if (about.raw !== undefined) out.raw = clip(about.raw)
  if (about.dataElement !== undefined) out.dataElement = about.dataElement
  if (about.categoryOptionCombo !== undefined) out.categoryOptionCombo = about.categoryOptionCombo
  if (about.rule !== undefined) out.rule = about.rule
  if (about.dhis2 !== undefined) out.dhis2 = about.dhis2
  return out
}
