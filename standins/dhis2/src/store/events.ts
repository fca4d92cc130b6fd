/**
 * The stand-in's tracker events (`POST /api/tracker`, `GET /api/tracker/events`): one record per event of an
 * event program, kept by UID. Timestamps are the stand-in clock's, in the server's local time without offset, as
 * DHIS2 serialises tracker dates (web-api §11.8). A deleted event is soft deleted (`deleted: true`), as DHIS2's
 * tracker does: it is hidden from reads unless `includeDeleted=true`, and its UID cannot be used again (E1082).
 */

export type EventStatus = 'ACTIVE' | 'COMPLETED' | 'VISITED' | 'SCHEDULE' | 'OVERDUE' | 'SKIPPED'

export const EVENT_STATUSES: readonly EventStatus[] = [
  'ACTIVE',
  'COMPLETED',
  'VISITED',
  'SCHEDULE',
  'OVERDUE',
  'SKIPPED',
]

/** `EventStatus.STATUSES_WITHOUT_DATA_VALUES` (core `EventStatus`): such an event may not carry values (E1315). */
export const STATUSES_WITHOUT_DATA_VALUES: ReadonlySet<EventStatus> = new Set(['SCHEDULE', 'OVERDUE', 'SKIPPED'])

/** The user stamp DHIS2 puts on `createdBy`/`updatedBy` (tracker `UserInfoSnapshot`). */
export interface UserStamp {
  uid: string
  username: string
  firstName?: string
  surname?: string
  displayName?: string
}

export interface StoredDataValue {
  dataElement: string
  value: string
  providedElsewhere: boolean
  createdAt: string
  updatedAt: string
  storedBy: string
  createdBy: UserStamp
  updatedBy: UserStamp
}

export interface StoredEvent {
  event: string
  program: string
  programStage: string
  orgUnit: string
  status: EventStatus
  occurredAt?: string
  scheduledAt?: string
  completedAt?: string
  completedBy?: string
  createdAt: string
  updatedAt: string
  createdAtClient?: string
  updatedAtClient?: string
  storedBy: string
  createdBy: UserStamp
  updatedBy: UserStamp
  attributeOptionCombo: string
  attributeCategoryOptions: string
  followUp: boolean
  deleted: boolean
  geometry?: unknown
  notes: Array<{ note: string; value: string; storedAt: string; storedBy: string }>
  dataValues: StoredDataValue[]
}

export class EventStore {
  private readonly byId = new Map<string, StoredEvent>()

  get(uid: string): StoredEvent | undefined {
    return this.byId.get(uid)
  }

  put(event: StoredEvent): void {
    this.byId.set(event.event, event)
  }

  /** Every event, deleted ones included, in creation order. */
  all(): StoredEvent[] {
    return [...this.byId.values()]
  }

  get size(): number {
    return this.byId.size
  }

  clear(): void {
    this.byId.clear()
  }

  /** For the state file: plain records. */
  exportRows(): StoredEvent[] {
    return this.all()
  }

  static fromRows(rows: unknown): EventStore {
    const store = new EventStore()
    if (Array.isArray(rows))
      for (const row of rows as StoredEvent[]) if (row && typeof row.event === 'string') store.put(row)
    return store
  }
}
