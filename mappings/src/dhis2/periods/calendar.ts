/**
 * Gregorian calendar arithmetic on 'YYYY-MM-DD' dates.
 *
 * Dates are turned into day numbers (days since 1970-01-01) with plain integer maths instead of going
 * through `Date`: no machine time zone or daylight-saving change can move a day, and years below 100 are
 * not reinterpreted as 19xx the way `Date.UTC` does.
 */

/** A calendar date; month and day are 1-based. */
export interface CalendarDate {
  year: number
  month: number
  day: number
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/** Reads 'YYYY-MM-DD'; undefined when it is not a real date (2025-02-29, 2025-13-01, 2025-1-1 …). */
export function readDate(text: string): CalendarDate | undefined {
  const match = DATE_PATTERN.exec(text)
  if (!match) return undefined
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return isRealDate(year, month, day) ? { year, month, day } : undefined
}

/** Like readDate, but a caller passing a bad date is a programming error, so it throws. */
export function parseDate(text: string): CalendarDate {
  const date = readDate(text)
  if (!date) throw new RangeError(`Not a calendar date (YYYY-MM-DD): '${text}'`)
  return date
}

const pad = (value: number, width: number) => String(value).padStart(width, '0')

export function formatDate({ year, month, day }: CalendarDate): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

// Day numbers use Howard Hinnant's days_from_civil / civil_from_days: eras of 400 years (146 097 days)
// whose years start on March 1st, so that February's leap day is the last day of a year.

export function toDayNumber({ year, month, day }: CalendarDate): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

export function fromDayNumber(dayNumber: number): CalendarDate {
  const z = dayNumber + 719468
  const era = Math.floor(z / 146097)
  const dayOfEra = z - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const shifted = Math.floor((5 * dayOfYear + 2) / 153) // 0 = March … 11 = February
  const day = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1
  const month = shifted < 10 ? shifted + 3 : shifted - 9
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromDayNumber(toDayNumber(date) + days)
}

/**
 * Moves by whole months keeping the day of month, clamped to the month's last day (2025-03-31 minus one
 * month is 2025-02-28), like Joda-Time's minusMonths that DHIS2's relative periods use.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const { year, month } = fromMonthIndex(monthIndex(date.year, date.month) + months)
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) }
}

/** 1 = Monday … 7 = Sunday (ISO 8601 and java.time.DayOfWeek numbering). 1970-01-01 was a Thursday. */
export function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1
}

/** Absolute month index (year × 12 + month − 1) used to do month arithmetic without carrying years. */
export function monthIndex(year: number, month: number): number {
  return year * 12 + month - 1
}

export function fromMonthIndex(index: number, day = 1): CalendarDate {
  const year = Math.floor(index / 12)
  return { year, month: index - year * 12 + 1, day }
}
