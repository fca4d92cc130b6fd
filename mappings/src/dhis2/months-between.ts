/**
 * Whole months between two DHIS2 server-local timestamps, as DHIS2 counts a password's age against
 * `credentialsExpires` (core 2.41 `API/util/DateUtils.monthsBetween` = Joda `Months.monthsBetween`): the
 * months are added to the start, the day clamped to the month's length (31 January + 1 month = 28 February),
 * and a month counts only once that date and time are reached. Used by the DHIS2 stand-in to refuse an
 * expired password and by `relais setup` to see when the bridge's own password would expire.
 */

interface Parts {
  year: number
  month: number
  day: number
  time: string
}

function parts(timestamp: string): Parts {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?/.exec(timestamp)
  if (!m) throw new Error(`not a DHIS2 timestamp: ${timestamp}`)
  const time = `${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0')}`
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), time }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0')

/** `timestamp` plus `months` (negative: minus), the day clamped to the target month: `yyyy-MM-ddTHH:mm:ss.SSS`. */
export function addMonths(timestamp: string, months: number): string {
  const a = parts(timestamp)
  const total = a.month - 1 + months
  const year = a.year + Math.floor(total / 12)
  const month = (((total % 12) + 12) % 12) + 1
  const day = Math.min(a.day, new Date(Date.UTC(year, month, 0)).getUTCDate())
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${a.time}`
}

export function monthsBetween(from: string, to: string): number {
  const a = parts(from)
  const b = parts(to)
  const end = `${pad(b.year, 4)}-${pad(b.month, 2)}-${pad(b.day, 2)}T${b.time}`
  let months = (b.year - a.year) * 12 + (b.month - a.month)
  while (months > 0 && addMonths(from, months) > end) months--
  while (months < 0 && addMonths(from, months) < end) months++
  return months
}
