/**
 * Week arithmetic shared by the weekly types and BiWeekly, on day numbers (see calendar.ts).
 *
 * DHIS2 numbers weeks with java.time `WeekFields.of(firstDay, 4)`: week 1 of a year is the first week
 * (starting on `firstDay`) with at least four days in January, i.e. the week holding January 4th. A week
 * therefore belongs to the year of its fourth day (first day + 3) — the same "start + 3 days" rule that
 * analytics uses to put a whole week into one month. For Monday weeks this is ISO 8601.
 */
import { fromDayNumber, isoWeekday, toDayNumber } from './calendar'

/** First day (day number) of the week, starting on `firstDay` (1 = Monday … 7 = Sunday), holding the day. */
export function weekStartOf(dayNumber: number, firstDay: number): number {
  return dayNumber - ((isoWeekday(dayNumber) - firstDay + 7) % 7)
}

/** First day of week 1 of a week-based year. */
export function firstWeekStart(year: number, firstDay: number): number {
  return weekStartOf(toDayNumber({ year, month: 1, day: 4 }), firstDay)
}

/** 52 or 53: weeks between week 1 of this year and week 1 of the next. */
export function weeksInWeekYear(year: number, firstDay: number): number {
  return (firstWeekStart(year + 1, firstDay) - firstWeekStart(year, firstDay)) / 7
}

export interface Week {
  /** Week-based year: the year of the week's fourth day. */
  year: number
  week: number
  start: number
}

export function weekOf(dayNumber: number, firstDay: number): Week {
  const start = weekStartOf(dayNumber, firstDay)
  const year = fromDayNumber(start + 3).year
  return { year, week: (start - firstWeekStart(year, firstDay)) / 7 + 1, start }
}

/**
 * DHIS2's `Calendar.weeksInYear(year)` (Joda-Time `weekOfWeekyear().getMaximumValue()` on January 1st):
 * the number of ISO weeks of the week-based year that January 1st belongs to. When January 1st is a
 * Friday–Sunday that is the previous year, so weeksInYear(2021) is 53 (2020's weeks). Only BiWeekly id
 * parsing uses it, and that is how `2021BiW27` gets accepted (see parse.ts).
 */
export function jodaWeeksInYear(year: number): number {
  const weekYear = weekOf(toDayNumber({ year, month: 1, day: 1 }), 1).year
  return weeksInWeekYear(weekYear, 1)
}

// BiWeekly: pairs of ISO (Monday) weeks, each starting on an odd ISO week (1, 3, … and 53 when it exists).

/** DHIS2's adjustToStartOfBiWeek: back to the Monday of the odd ISO week at or before the day. */
export function biWeekStartOf(dayNumber: number): number {
  const { week, start } = weekOf(dayNumber, 1)
  return week % 2 === 0 ? start - 7 : start
}

/** Id parts of the bi-week starting on `start`: ISO week-based year and floor(isoWeek / 2) + 1. */
export function biWeekOf(start: number): { year: number; biWeek: number } {
  const { year, week } = weekOf(start, 1)
  return { year, biWeek: Math.floor(week / 2) + 1 }
}
