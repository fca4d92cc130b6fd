/** DHIS2 server-local "now" (`yyyy-MM-ddTHH:mm:ss`) in the programme's time zone. */
import { localTimestamp } from '@relais/mappings'

export function localNow(timeZone = 'Africa/Porto-Novo', at: Date = new Date()): string {
  return localTimestamp(at, timeZone).slice(0, 19)
}
