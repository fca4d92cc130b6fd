/**
 * The stand-in's clock. Tests set it to an exact instant (period locking and timeliness depend on
 * "now"), and it keeps running from there like a real server clock. DHIS2 writes timestamps in the
 * server's local time zone without an offset (web-api §11.8), so the clock formats them that way.
 */
import { localTimestamp } from '@relais/mappings'

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

export { localTimestamp, parseLocalTimestamp } from '@relais/mappings'
