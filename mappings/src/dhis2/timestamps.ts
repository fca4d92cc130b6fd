/**
 * DHIS2 server-local timestamps. DHIS2 writes `created`, `lastUpdated`, `serverDate` and completion
 * dates in the server's time zone without an offset (web-api §11.8), and counts period expiry in its local
 * days; the stand-in, the bridge and the app all convert through these two functions.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()

export function localTimestamp(at: Date, timeZone: string): string {
  let format = formatters.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, format)
  }
  const parts: Record<string, string> = {}
  for (const part of format.formatToParts(at)) parts[part.type] = part.value
  const ms = String(at.getUTCMilliseconds()).padStart(3, '0')
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${ms}`
}

/** Parses a DHIS2 timestamp or date (no offset = server-local) into an instant. */
export function parseLocalTimestamp(text: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    text.trim(),
  )
  if (!m) return undefined
  const [, y, mo, d, h = '00', mi = '00', s = '00', msText = '0', zone] = m
  const asUtc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(msText.padEnd(3, '0')),
  )
  if (zone) {
    if (zone === 'Z') return new Date(asUtc)
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
    return new Date(asUtc - sign * offsetMin * 60000)
  }
  // Local wall time → instant: correct by the zone's offset at that moment (twice, for DST edges).
  let guess = asUtc
  for (let i = 0; i < 2; i++) {
    const shown = localTimestamp(new Date(guess), timeZone)
    const shownUtc = Date.parse(`${shown}Z`)
    guess += asUtc - shownUtc
  }
  return new Date(guess)
}
