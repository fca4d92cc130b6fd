// DHIS2 writes its clock in the server's local time without an offset (`2026-10-03T10:00:00.139`). Period
// locking is decided on that clock, not the browser's: the app reads `serverDate` once and moves it on
// with the browser's elapsed time.

/** The server's local timestamp now, from `serverDate` read at `readAt` (ms, browser clock). */
export function serverNow(serverDate: string, readAt: number, now: number = Date.now()): string {
  const text = serverDate.length === 10 ? `${serverDate}T00:00:00` : serverDate.slice(0, 23)
  const base = Date.parse(`${text}Z`)
  if (Number.isNaN(base)) throw new Error(`Unreadable server date: ${serverDate}`)
  return new Date(base + Math.max(0, now - readAt)).toISOString().slice(0, 23)
}

/** 'YYYY-MM-DD' plus some days, in plain UTC day arithmetic. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number)
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + days)).toISOString().slice(0, 10)
}
