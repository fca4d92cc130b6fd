/**
 * The stand-in's clock. Tests set it to an exact instant (period locking and timeliness depend on
 * "now"), and it keeps running from there like a real server clock. DHIS2 writes timestamps in the
 * server's local time zone without an offset (web-api §11.8), so the clock formats them that way.
 */
export class Clock {
  private offsetMs = 0

  constructor(
    readonly timeZone: string = 'Africa/Porto-Novo',
    start?: string | Date,
  ) {
    if (start !== undefined) this.set(start)
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }

  /** Sets the current instant; the clock keeps running from it. */
  set(instant: string | Date): void {
    const target = typeof instant === 'string' ? new Date(instant) : instant
    if (Number.isNaN(target.getTime())) throw new Error(`Invalid instant: ${String(instant)}`)
    this.offsetMs = target.getTime() - Date.now()
  }

  advance(ms: number): void {
    this.offsetMs += ms
  }

  /** `yyyy-MM-ddTHH:mm:ss.SSS` in the server's time zone, as DHIS2 serialises `created`/`lastUpdated`. */
  timestamp(at: Date = this.now()): string {
    return localTimestamp(at, this.timeZone)
  }

  /** Today's calendar date (`yyyy-MM-dd`) in the server's time zone. */
  today(): string {
    return this.timestamp().slice(0, 10)
  }
}

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
