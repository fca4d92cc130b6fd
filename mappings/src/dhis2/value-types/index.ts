/**
 * DHIS2 value types and the checks DHIS2 2.39–2.41 applies to a data value before storing it
 * (`ValidationUtils.normalizeBoolean` then `ValidationUtils.valueIsValid`, as both
 * POST /api/dataValueSets and POST /api/dataValues do). 2.38 checked fewer types: PHONE_NUMBER, EMAIL,
 * TIME, USERNAME, ORGANISATION_UNIT and AGE values were accepted as they came.
 */
import { isValidUid } from '../uid'
import { isDhis2Date, isDhis2DateTime } from './dates'
import { ValueTypeError } from './messages'
import {
  isCoordinate,
  isInteger,
  isNegativeInteger,
  isNumeric,
  isPercentage,
  isPositiveInteger,
  isUnitInterval,
  isZero,
  isZeroOrPositiveInteger,
} from './numbers'
import { isEmail, isPhoneNumber, isTimeOfDay, isUrl, isUsername, isValidLetter } from './text'

export { valueTypeErrorMessage } from './messages'
export type { ValueTypeError } from './messages'

/** ValueType of DHIS2 2.41 (`org.hisp.dhis.common.ValueType`); MULTI_TEXT exists since 2.39. */
export const VALUE_TYPES = [
  'TEXT',
  'LONG_TEXT',
  'MULTI_TEXT',
  'LETTER',
  'PHONE_NUMBER',
  'EMAIL',
  'BOOLEAN',
  'TRUE_ONLY',
  'DATE',
  'DATETIME',
  'TIME',
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
  'TRACKER_ASSOCIATE',
  'USERNAME',
  'COORDINATE',
  'ORGANISATION_UNIT',
  'REFERENCE',
  'AGE',
  'URL',
  'FILE_RESOURCE',
  'IMAGE',
  'GEOJSON',
] as const

export type ValueType = (typeof VALUE_TYPES)[number]

/** ValueType.NUMERIC_TYPES: the types analytics sums, and the ones where a zero may be dropped. */
const NUMERIC_TYPES: ReadonlySet<ValueType> = new Set<ValueType>([
  'NUMBER',
  'UNIT_INTERVAL',
  'PERCENTAGE',
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
])

export function isNumericValueType(valueType: ValueType): boolean {
  return NUMERIC_TYPES.has(valueType)
}

/** ValidationUtils.VALUE_MAX_LENGTH, for every value type. */
export const VALUE_MAX_LENGTH = 50000

const TRUE_VARIANTS = new Set(['true', 'True', 'TRUE', 't', 'T', '1'])
const FALSE_VARIANTS = new Set(['false', 'False', 'FALSE', 'f', 'F', '0'])

/**
 * ValidationUtils.normalizeBoolean: the spellings DHIS2 turns into 'true' / 'false' for BOOLEAN and
 * TRUE_ONLY values before checking and storing them. TRUE_ONLY only gets the true ones, so '1' is
 * stored as 'true' but '0' stays '0' (and is then rejected). Other values and types are returned as is.
 */
export function normalizeBoolean(value: string, valueType: ValueType = 'BOOLEAN'): string {
  if (valueType !== 'BOOLEAN' && valueType !== 'TRUE_ONLY') return value
  if (TRUE_VARIANTS.has(value)) return 'true'
  if (valueType === 'BOOLEAN' && FALSE_VARIANTS.has(value)) return 'false'
  return value
}

/**
 * Whether DHIS2 accepts `value` for a data element of `valueType`; null when it does, else the i18n key
 * DHIS2 reports. As in DHIS2, a blank value ('' or only whitespace) is never a type error — the import
 * treats it as "delete / nothing" instead — and nothing is trimmed, so ' 1' is not a NUMBER.
 * MULTI_TEXT's option-set check and FILE_RESOURCE's file checks need metadata and are not done here.
 */
export function validateValue(valueType: ValueType, value: string): ValueTypeError | null {
  const normalized = normalizeBoolean(value, valueType)
  if (normalized.trim() === '') return null
  if (normalized.length > VALUE_MAX_LENGTH) return 'value_length_greater_than_max_length'
  const check = CHECKS[valueType]
  return check && !check[0](normalized) ? check[1] : null
}

/** Per type: the check and the key DHIS2 returns when it fails. Types without an entry only have the length limit. */
const CHECKS: Partial<Record<ValueType, [(value: string) => boolean, ValueTypeError]>> = {
  LETTER: [isValidLetter, 'value_not_valid_letter'],
  NUMBER: [isNumeric, 'value_not_numeric'],
  UNIT_INTERVAL: [isUnitInterval, 'value_not_unit_interval'],
  PERCENTAGE: [isPercentage, 'value_not_percentage'],
  INTEGER: [isInteger, 'value_not_integer'],
  INTEGER_POSITIVE: [isPositiveInteger, 'value_not_positive_integer'],
  INTEGER_NEGATIVE: [isNegativeInteger, 'value_not_negative_integer'],
  INTEGER_ZERO_OR_POSITIVE: [isZeroOrPositiveInteger, 'value_not_zero_or_positive_integer'],
  PHONE_NUMBER: [isPhoneNumber, 'value_not_phone_number'],
  EMAIL: [isEmail, 'value_not_valid_email'],
  // valueIsValid lower-cases BOOLEAN values, so 'tRuE' passes (and is stored as sent).
  BOOLEAN: [(value) => ['true', 'false'].includes(value.toLowerCase()), 'value_not_bool'],
  TRUE_ONLY: [(value) => value.toLowerCase() === 'true', 'value_not_true_only'],
  DATE: [isDhis2Date, 'value_not_valid_date'],
  DATETIME: [isDhis2DateTime, 'value_not_valid_datetime'],
  COORDINATE: [isCoordinate, 'value_not_coordinate'],
  URL: [isUrl, 'value_not_url'],
  FILE_RESOURCE: [isValidUid, 'value_not_valid_file_resource_uid'],
  IMAGE: [isValidUid, 'value_not_valid_file_resource_uid'],
  TIME: [isTimeOfDay, 'value_not_valid_time'],
  USERNAME: [isUsername, 'value_not_valid_username'],
  ORGANISATION_UNIT: [isValidUid, 'value_not_valid_org_unit_uid'],
  AGE: [isDhis2Date, 'value_not_valid_age'],
}

/**
 * ValidationUtils.dataValueIsZeroAndInsignificant: a zero ('0', '0.0', '0.') of a numeric data element
 * that does not store zeros. DHIS2 silently skips it on create and deletes the stored value on update,
 * unless the aggregation type is AVERAGE or AVERAGE_SUM_ORG_UNIT (averages need their zeros).
 */
export function isZeroAndInsignificant(
  value: string,
  valueType: ValueType,
  zeroIsSignificant: boolean,
  aggregationType?: string,
): boolean {
  return (
    isNumericValueType(valueType) &&
    isZero(value) &&
    !zeroIsSignificant &&
    aggregationType !== 'AVERAGE' &&
    aggregationType !== 'AVERAGE_SUM_ORG_UNIT'
  )
}
