// What the preview of a message fills in: the month reminders are about now — the one that ended before today,
// as the bridge reminds on days 1 to 28 of the next month — and its deadline, in French as the messages are.
// Pure.
import { formatDay } from '../shared/language'
import { addPeriods, periodForDate, periodName } from '../shared/mappings'

/** Days after the month's end a report is on time (the data set's timelyDays in the programme). */
const TIMELY_DAYS = 5

export function nextReminderMonth(now: Date): { month: string; deadline: string } {
  const today = now.toISOString().slice(0, 10)
  const reminded = addPeriods(periodForDate('Monthly', today), -1)
  const deadline = new Date(Date.parse(`${reminded.endDate}T00:00:00Z`) + TIMELY_DAYS * 86_400_000)
  return { month: periodName(reminded, 'fr'), deadline: formatDay(deadline.toISOString().slice(0, 10), 'fr') }
}
