/**
 * DHIS2's messages about one record, gathered from its history and its last error, for GET records/{id}.
 * Pure. What the pipeline stores (record_events.detail and records.last_error, see pipeline/push/push-worker.ts):
 * - a Dhis2Error as JSON (`name: 'Dhis2Error'`, `dhis2Message`, `errorCode`, `status`, `message`) — a failure;
 * - `conflicts: ValueConflict[]` (`message`, `errorCode?`, `property?`) — what import-summary.ts says of a value;
 * - `rejected: [{ dataElement, …, conflicts }]` (the push worker) or `rejectedValues: [{ index, conflicts }]`
 *   (a RecordOutcome of import-summary.ts);
 * - these shapes also one level down, under `dhis2` or `error`, or a bare string under `dhis2`.
 * Anything else in a detail is not DHIS2's and is left to the history itself.
 */
import type { RecordEvent } from '../ledger/events'

export interface Dhis2Message {
  /** When the bridge recorded it (the event's time; null for the last error, which has no time of its own). */
  at: string | null
  /** The status the record went to with this message (null for the last error). */
  status: string | null
  message: string
  errorCode?: string
  property?: string
  /** The data element of the refused value, when DHIS2's answer could be traced to it. */
  dataElement?: string
  httpStatus?: number
}

/** Bounds of the answer (the DHIS2 route caps answers at 256 KB): the newest messages, each cut to a length. */
const MAX_MESSAGES = 50
export const MAX_MESSAGE_CHARS = 2000

type Loose = Record<string, unknown>

const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== ''
    ? value.length > MAX_MESSAGE_CHARS
      ? `${value.slice(0, MAX_MESSAGE_CHARS - 1)}…`
      : value
    : undefined

function fromConflict(value: unknown): Omit<Dhis2Message, 'at' | 'status'> | undefined {
  if (!isObject(value)) return undefined
  const message = str(value.message) ?? str(value.value)
  if (!message) return undefined
  const out: Omit<Dhis2Message, 'at' | 'status'> = { message }
  const errorCode = str(value.errorCode)
  const property = str(value.property)
  if (errorCode) out.errorCode = errorCode
  if (property) out.property = property
  return out
}

/** The DHIS2 messages in one detail or last_error value. */
export function messagesIn(detail: unknown, depth = 0): Omit<Dhis2Message, 'at' | 'status'>[] {
  if (depth > 1) return []
  const text = depth === 1 ? str(detail) : undefined
  if (text) return [{ message: text }]
  if (!isObject(detail)) return []
  const out: Omit<Dhis2Message, 'at' | 'status'>[] = []
  const add = (m: Omit<Dhis2Message, 'at' | 'status'>) => {
    const same = (o: Omit<Dhis2Message, 'at' | 'status'>) =>
      o.message === m.message && o.errorCode === m.errorCode && o.dataElement === m.dataElement
    if (!out.some(same)) out.push(m)
  }
  const failure = str(detail.dhis2Message) ?? (detail.name === 'Dhis2Error' ? str(detail.message) : undefined)
  if (failure) {
    const m: Omit<Dhis2Message, 'at' | 'status'> = { message: failure }
    const errorCode = str(detail.errorCode)
    if (errorCode) m.errorCode = errorCode
    if (typeof detail.status === 'number') m.httpStatus = detail.status
    add(m)
  }
  const conflicts: { conflict: unknown; dataElement?: string }[] = []
  if (Array.isArray(detail.conflicts)) for (const conflict of detail.conflicts) conflicts.push({ conflict })
  for (const key of ['rejected', 'rejectedValues'] as const) {
    const list: unknown = detail[key]
    if (!Array.isArray(list)) continue
    for (const value of list) {
      if (!isObject(value) || !Array.isArray(value.conflicts)) continue
      const dataElement = str(value.dataElement)
      for (const conflict of value.conflicts) conflicts.push(dataElement ? { conflict, dataElement } : { conflict })
    }
  }
  for (const { conflict, dataElement } of conflicts) {
    const m = fromConflict(conflict)
    if (m) add(dataElement ? { ...m, dataElement } : m)
  }
  for (const key of ['dhis2', 'error'] as const) if (key in detail) messagesIn(detail[key], depth + 1).forEach(add)
  return out
}

export function dhis2MessagesOf(events: readonly RecordEvent[], lastError: unknown): Dhis2Message[] {
  const out: Dhis2Message[] = []
  for (const event of events) {
    for (const m of messagesIn(event.detail)) out.push({ at: event.at.toISOString(), status: event.toStatus, ...m })
  }
  for (const m of messagesIn(lastError)) {
    // The last error usually repeats the newest event's message: keep it once.
    if (!out.some((o) => o.message === m.message)) out.push({ at: null, status: null, ...m })
  }
  return out.slice(-MAX_MESSAGES)
}
