// What exactly is wrong with a number an RC typed, and what to type instead (issue 14 §2). DHIS2's own check
// (the shared validator) says only « not a zero or positive integer » for « 2,5 », « -3 », « 007 » and « 3 000 »
// alike; an RC on a phone needs to know which of them it is. Pure: the kinds here, the sentences in entryMessage.
import type { ValueType } from '../../shared/mappings'

/** Java's int, the bound of DHIS2's integer types (MathUtils via commons-validator). */
export const INT_MAX = 2_147_483_647
export const INT_MIN = -2_147_483_648

export type ValueProblem =
  | { kind: 'spaces'; suggestion: string }
  | { kind: 'not-a-number' }
  | { kind: 'decimal-comma'; suggestion: string }
  | { kind: 'decimals' }
  | { kind: 'negative' }
  | { kind: 'zero' }
  | { kind: 'not-negative' }
  | { kind: 'too-large'; max: number }
  | { kind: 'too-small'; min: number }
  | { kind: 'leading-zeros'; suggestion: string }
  | { kind: 'plus-sign'; suggestion: string }
  /** « .5 », « 3. »: DHIS2 wants digits on both sides of the point. */
  | { kind: 'write-as'; suggestion: string }
  | { kind: 'percentage' }
  | { kind: 'unit-interval' }

const INTEGER_TYPES: ReadonlySet<ValueType> = new Set<ValueType>([
  'INTEGER',
  'INTEGER_POSITIVE',
  'INTEGER_NEGATIVE',
  'INTEGER_ZERO_OR_POSITIVE',
])
const NUMBER_TYPES: ReadonlySet<ValueType> = new Set<ValueType>([
  ...INTEGER_TYPES,
  'NUMBER',
  'PERCENTAGE',
  'UNIT_INTERVAL',
])

export const isNumberType = (type: ValueType): boolean => NUMBER_TYPES.has(type)

/**
 * The first thing to fix in a number DHIS2 would refuse, or undefined when the value is not of a number type or
 * nothing here explains it (then DHIS2's own sentence is shown). Checked in the order an RC would fix them: the
 * writing (spaces, sign, comma, zeros in front), then what the box takes (whole, not negative, bounds).
 */
export function numberProblem(type: ValueType, value: string): ValueProblem | undefined {
  if (!NUMBER_TYPES.has(type) || value === '') return undefined
  const whole = INTEGER_TYPES.has(type)
  if (/\s/.test(value)) {
    const suggestion = value.replace(/\s+/g, '')
    if (/^[+-]?\d+([.,]\d+)?$/.test(suggestion)) return { kind: 'spaces', suggestion }
  }
  const text = value.trim()
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(text)) return { kind: 'not-a-number' }
  if (text.startsWith('+')) return { kind: 'plus-sign', suggestion: text.slice(1) }
  const negative = text.startsWith('-')
  const unsigned = negative ? text.slice(1) : text
  const [digits = '', decimals] = unsigned.split(/[.,]/)
  const sign = negative ? '-' : ''
  const number = Number(`${sign}${digits || '0'}.${decimals || '0'}`)
  const fraction = (decimals ?? '').replace(/0+$/, '')
  if (whole && fraction !== '') return { kind: 'decimals' }
  if (whole && decimals !== undefined) return { kind: 'write-as', suggestion: `${sign}${Number(digits || '0')}` }
  if (unsigned.includes(',')) return { kind: 'decimal-comma', suggestion: text.replace(',', '.') }
  if (decimals === '' || digits === '') return { kind: 'write-as', suggestion: String(number) }
  if (digits.length > 1 && digits.startsWith('0'))
    return {
      kind: 'leading-zeros',
      suggestion: `${sign}${Number(digits)}${decimals === undefined ? '' : `.${decimals}`}`,
    }
  if ((type === 'INTEGER_ZERO_OR_POSITIVE' || type === 'INTEGER_POSITIVE') && negative && number !== 0)
    return { kind: 'negative' }
  if ((type === 'PERCENTAGE' || type === 'UNIT_INTERVAL') && negative && number !== 0)
    return { kind: type === 'PERCENTAGE' ? 'percentage' : 'unit-interval' }
  if (type === 'INTEGER_POSITIVE' && number === 0) return { kind: 'zero' }
  if (type === 'INTEGER_NEGATIVE' && number >= 0) return { kind: 'not-negative' }
  if (whole && number > INT_MAX) return { kind: 'too-large', max: INT_MAX }
  if (whole && number < INT_MIN) return { kind: 'too-small', min: INT_MIN }
  if (type === 'PERCENTAGE' && number > 100) return { kind: 'percentage' }
  if (type === 'UNIT_INTERVAL' && number > 1) return { kind: 'unit-interval' }
  return undefined
}
