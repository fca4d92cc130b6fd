/**
 * Numeric and coordinate checks of DHIS2's MathUtils (2.39–2.41), which ValidationUtils.valueIsValid uses.
 * All of them take the value as sent: nothing is trimmed, so ' 1' is not a number.
 */

/** MathUtils.NUMERIC_REGEXP: no leading zeros, '+', exponent, '.5', '5.' or decimal comma. */
const NUMERIC = /^(-?0|-?[1-9]\d*)(\.\d+)?$/
const INTEGER = /^(0|-?[1-9]\d*)$/
const POSITIVE_INTEGER = /^[1-9]\d*$/
const ZERO_OR_POSITIVE_INTEGER = /^(0|[1-9]\d*)$/
const NEGATIVE_INTEGER = /^-[1-9]\d*$/
const ZERO = /^0(\.0*)?$/

/** Numbers must also be shorter than 250 characters (MathUtils.NUMBER_MAX_LENGTH). */
const NUMBER_MAX_LENGTH = 250

// Integers must also fit a Java int (commons-validator IntegerValidator).
const INT_MIN = -2147483648
const INT_MAX = 2147483647

export function isNumeric(value: string): boolean {
  return NUMERIC.test(value) && value.length < NUMBER_MAX_LENGTH
}

export function isUnitInterval(value: string): boolean {
  return isNumeric(value) && Number(value) >= 0 && Number(value) <= 1
}

export function isPercentage(value: string): boolean {
  return isNumeric(value) && Number(value) >= 0 && Number(value) <= 100
}

const fitsInt = (value: string) => Number(value) >= INT_MIN && Number(value) <= INT_MAX

export const isInteger = (value: string) => INTEGER.test(value) && fitsInt(value)
export const isPositiveInteger = (value: string) => POSITIVE_INTEGER.test(value) && fitsInt(value)
export const isZeroOrPositiveInteger = (value: string) => ZERO_OR_POSITIVE_INTEGER.test(value) && fitsInt(value)
export const isNegativeInteger = (value: string) => NEGATIVE_INTEGER.test(value) && fitsInt(value)

/** MathUtils.isZero: '0', '0.' or '0.000'; not '-0' nor '00'. */
export const isZero = (value: string) => ZERO.test(value)

/**
 * MathUtils.isCoordinate: "[longitude,latitude]" once all whitespace is removed; each part is read by
 * Java's Float.parseFloat, so '1e1', '+5', '5f' and '5d' are accepted, and only the first two parts of
 * the comma-separated list count ('[1,2,3]' is valid). Longitude −180…180, latitude −90…90, compared
 * as 32-bit floats (180.000001 rounds to 180).
 */
export function isCoordinate(value: string): boolean {
  const compact = value.replace(/[ \t\n\v\f\r]+/g, '')
  if (compact.length < 5 || compact.indexOf('[') !== 0 || compact.indexOf(']') !== compact.length - 1) return false
  const parts = compact.slice(1, -1).split(',')
  const longitude = javaParseFloat(parts[0])
  const latitude = javaParseFloat(parts[1])
  if (longitude === undefined || latitude === undefined) return false
  return longitude >= -180 && longitude <= 180 && latitude >= -90 && latitude <= 90
}

/** Java's decimal float literal syntax (Float.parseFloat); hexadecimal floats are left out. */
const JAVA_FLOAT = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/

function javaParseFloat(text: string | undefined): number | undefined {
  if (text === undefined || !JAVA_FLOAT.test(text)) return undefined
  return Math.fround(Number(text.replace(/[fFdD]$/, '')))
}
