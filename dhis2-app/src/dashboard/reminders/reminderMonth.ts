// The month reminders are about: the one that ended before today (bridge-service/src/reminders/reminder-job.ts,
// previousMonth). Pure.

/** '2026-12-03' → '202611'; '2027-01-02' → '202612'. */
export function previousMonthOf(today: string): string {
  const [year, month] = today.split('-').map(Number) as [number, number]
  return month === 1 ? `${year - 1}12` : `${year}${String(month - 1).padStart(2, '0')}`
}
