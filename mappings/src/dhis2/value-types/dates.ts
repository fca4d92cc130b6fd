/**
 * DATE / AGE and DATETIME checks of DHIS2 2.39–2.41 (DateUtils.dateIsValid / dateTimeIsValid).
 */
import { daysInMonth } from '../periods/calendar'

/**
 * DateUtils.DEFAULT_DATE_REGEX `\b(?<year>\d{4})-(?<month>0[1-9]|1[0-2])-(?<day>0[1-9]|[1-2][0-9]|3[0-2])
 * (?<time>.*)\b`, matched against the whole value, then a real-date check with year > 0. The `(.*)\b`
 * tail lets anything follow the date as long as the value ends with a letter, digit or '_':
 * '2024-03-12T10:00' and even '2024-03-12 foo' are valid DATEs, '2024-03-12 ' and '2024-03-12.' are not.
 */
const DHIS2_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[0-2])([^\n\r\u0085\u2028\u2029]*)$/
/** Java's \b (JDK 17) counts letters, digits and '_' as word characters. */
const WORD_CHAR_AT_END = /[\p{L}\p{Nd}_]$/u

export function isDhis2Date(value: string): boolean {
  const match = DHIS2_DATE.exec(value)
  if (!match || !WORD_CHAR_AT_END.test(value)) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return year > 0 && day <= daysInMonth(year, month)
}

/**
 * DateUtils.dateTimeIsValid: one of Joda-Time patterns `yyyy-MM-dd'T'HH[:mm[:ss[.S…]]][Z]` or
 * `yyyy-MM-dd HH:mm:ssZ`. Joda parses numbers leniently (1–2 digit fields, 1–9 digit signed years); the
 * fraction takes 1–9 digits before an offset but at most 6 without one (the longest offset-less pattern
 * is .SSSSSS). The offset is 'Z' or ±hh[[:]mm[[:]ss]]. Joda matches literals ignoring case ('t', 'z').
 * A date alone is not a DATETIME.
 */
const DATE_PART = '(?<year>[+-]?\\d{1,9})-(?<month>\\d{1,2})-(?<day>\\d{1,2})'
const OFFSET = '(?<offset>[zZ]|[+-](?<offH>\\d{2})(?:(?<sep>:?)(?<offM>\\d{2})(?:\\k<sep>(?<offS>\\d{2}))?)?)'
const TIME_T = '[Tt](?<hour>\\d{1,2})(?::(?<minute>\\d{1,2})(?::(?<second>\\d{1,2})(?<fraction>\\.\\d{1,9})?)?)?'
const TIME_SPACE = ' (?<hour>\\d{1,2}):(?<minute>\\d{1,2}):(?<second>\\d{1,2})'
const DATETIME = [
  new RegExp(`^${DATE_PART}${TIME_T}(?:${OFFSET})?$`),
  new RegExp(`^${DATE_PART}${TIME_SPACE}${OFFSET}$`),
]

export function isDhis2DateTime(value: string): boolean {
  const fields = DATETIME.map((pattern) => pattern.exec(value)?.groups).find((groups) => groups !== undefined)
  if (!fields) return false
  const number = (name: string) => Number(fields[name] ?? 0)
  if (fields.fraction && !fields.offset && fields.fraction.length > 7) return false
  const [year, month, day] = [number('year'), number('month'), number('day')]
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    number('hour') <= 23 &&
    number('minute') <= 59 &&
    number('second') <= 59 &&
    number('offH') <= 23 &&
    number('offM') <= 59 &&
    number('offS') <= 59
  )
}
