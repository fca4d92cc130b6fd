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

/** A value waiting to be sent, kept in IndexedDB until DHIS2 has it. */
export interface PendingValue extends DataValueTarget {
  /** `de|pe|ou|co`: a newer value of the same cell replaces the older one. */
  key: string
  value: string
  /** What the queue shows people: "Préservatifs masculins distribués — septembre 2026". */
  label: string
  /** Order of entry; also tells a value sent from a newer one entered meanwhile. */
  seq: number
  /** Browser time of entry (ISO). */
  queuedAt: string
}

/** Why values are held back. */
export type HoldReason = 'offline' | 'session-expired'

export type SaveState =
  | { status: 'saving' }
  | { status: 'saved' }
  | { status: 'waiting'; reason: HoldReason }
  | { status: 'failed'; message: string }

/** What sending one value came to. */
export type SendOutcome =
  { kind: 'sent' } | { kind: 'offline' } | { kind: 'session-expired' } | { kind: 'rejected'; message: string }

export interface QueueStorage {
  load(): Promise<PendingValue[]>
  put(item: PendingValue): Promise<void>
  remove(key: string): Promise<void>
}

export const pendingKey = (t: DataValueTarget): string => `${t.de}|${t.pe}|${t.ou}|${t.co}`
