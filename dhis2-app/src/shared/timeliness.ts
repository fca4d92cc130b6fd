// When a report counts as on time, as DHIS2 counts it: shared by the dashboard and « Mes résultats ». Pure.

/**
 * On time as DHIS2 2.41.8+ counts it: completed at most `timelyDays` + 1 days after the period's last day
 * at 00:00 (so with timelyDays 5, September is on time up to 6 October 00:00:00 inclusive).
 * Timestamps are the server's local time, 'YYYY-MM-DDTHH:mm:ss.SSS'.
 */
export function isOnTime(periodEndDate: string, timelyDays: number, completedAt: string): boolean {
  const end = Date.parse(`${periodEndDate}T00:00:00.000Z`)
  const done = Date.parse(`${completedAt.slice(0, 23)}${completedAt.length > 10 ? '' : 'T00:00:00.000'}Z`)
  return (done - end) / 86_400_000 <= timelyDays + 1
}
