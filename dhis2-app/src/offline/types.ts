import type { ReportTarget } from '../shared/dhis2/registrations'

/** One data value as DHIS2's single-value endpoint addresses it. */
export interface DataValueTarget {
  /** data element */
  de: string
  /** ISO period */
  pe: string
  /** organisation unit */
  ou: string
  /** category option combo */
  co: string
}

export type { ReportTarget }

/** What every queued item carries. */
interface QueuedBase {
  /** A newer item with the same key replaces the older one (`de|pe|ou|co`, `completion|ds|pe|ou`). */
  key: string
  /** What the queue shows people: "Préservatifs masculins distribués — septembre 2026". */
  label: string
  /** Order of entry; also tells an item sent from a newer one entered meanwhile. */
  seq: number
  /** Browser time of entry (ISO). */
  queuedAt: string
  /**
   * DHIS2's clock (server-local, no offset) when the person acted: a value queued offline is newer than
   * DHIS2's only if DHIS2's was stored before this, and a report completed offline is dated then.
   */
  actedAt?: string
  /** DHIS2 refused it for good: kept (and shown) until the person changes the cell or dismisses it. */
  refused?: string
}

/** A value waiting to be sent, kept in IndexedDB until DHIS2 has it. */
export interface PendingValue extends DataValueTarget, QueuedBase {
  /** Absent on values queued before completions were queued too. */
  kind?: 'value'
  value: string
}

/** A completion or un-completion waiting to be sent, after the values typed before it. */
export interface PendingCompletion extends ReportTarget, QueuedBase {
  kind: 'completion'
  completed: boolean
}

export type PendingItem = PendingValue | PendingCompletion

export const isCompletion = (item: PendingItem): item is PendingCompletion => item.kind === 'completion'

/** Why values are held back. */
export type HoldReason = 'offline' | 'session-expired'

export type SaveState =
  | { status: 'saving' }
  | { status: 'saved' }
  | { status: 'waiting'; reason: HoldReason }
  | { status: 'failed'; message: string }

/** What sending one item came to. */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'offline' }
  | { kind: 'session-expired' }
  | { kind: 'rejected'; message: string }
  /** Not sent: DHIS2 holds a newer value (the message says whose); nothing to keep. */
  | { kind: 'superseded'; message: string }

export interface QueueStorage {
  load(): Promise<PendingItem[]>
  put(item: PendingItem): Promise<void>
  remove(key: string): Promise<void>
}

export const pendingKey = (t: DataValueTarget): string => `${t.de}|${t.pe}|${t.ou}|${t.co}`
export const completionKey = (t: ReportTarget): string => `completion|${t.dataSet}|${t.period}|${t.organisationUnit}`
