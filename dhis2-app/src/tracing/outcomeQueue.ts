// The outcomes an RC records wait on the phone until DHIS2 has them, the way the report's values and the help
// desk's tickets do (offline/valueQueue.ts, helpdesk/ticketQueue.ts): first stored (IndexedDB, one store per
// DHIS2 user), then sent; an outcome leaves the store only once DHIS2 took it. Without a network, or with an
// expired session, it stays and goes with the next flush. A refusal (409: the event was closed or changed,
// the RC lost access) is final: kept and shown until the RC lets it go — never sent again and again.
import { quietly, SerialQueue } from '../offline/serialQueue'
import type { KeyedStorage } from '../offline/storage'
import type { HoldReason, SendOutcome } from '../offline/types'
import type { OutcomeCode } from './tracingProgram'
import type { EventValue } from './trackerEvents'

export interface PendingOutcome {
  /** The event's uid: a newer outcome for the same task replaces the older one. */
  key: string
  seq: number
  /** Browser time the RC recorded it (ISO). */
  queuedAt: string
  /** The tracing code, to show in the queue. */
  code: string
  outcome: OutcomeCode
  outcomeDate: string
  /** The data values the outcome writes (outcome and date, by data element uid). */
  values: EventValue[]
  /** DHIS2 refused it for good. */
  refused?: string
}

export type OutcomeStorage = KeyedStorage<PendingOutcome>
export const outcomeKey = (item: PendingOutcome) => item.key

/** What sending one outcome came to (a superseded value has no meaning here). */
export type OutcomeSendResult = Exclude<SendOutcome, { kind: 'superseded' }>
export type OutcomeSender = (item: PendingOutcome) => Promise<OutcomeSendResult>

export interface OutcomeQueueSnapshot {
  loaded: boolean
  pending: readonly PendingOutcome[]
  refused: readonly PendingOutcome[]
  held: HoldReason | null
  /** How many outcomes DHIS2 took during this visit: the task list reloads when one more arrives. */
  sent: number
}

export type NewOutcome = Pick<PendingOutcome, 'key' | 'code' | 'outcome' | 'outcomeDate' | 'values'>

export class OutcomeQueue extends SerialQueue<OutcomeQueueSnapshot> {
  private readonly items = new Map<string, PendingOutcome>()
  private held: HoldReason | null = null
  private loaded = false
  private sent = 0
  private seq = 0

  constructor(
    private readonly storage: OutcomeStorage,
    private readonly send: OutcomeSender,
    private readonly now: () => Date = () => new Date(),
  ) {
    super({ loaded: false, pending: [], refused: [], held: null, sent: 0 })
  }

  /** Loads what a previous visit left on the device. */
  async init(): Promise<void> {
    let stored: PendingOutcome[] = []
    try {
      stored = await this.storage.load()
    } catch {
      // IndexedDB unavailable (private browsing…): the queue works in memory only.
    }
    for (const item of stored) {
      this.seq = Math.max(this.seq, item.seq)
      if (!this.items.has(item.key)) this.items.set(item.key, item)
    }
    this.loaded = true
    this.emit()
  }

  /** Keeps the outcome on the device, then sends it (with anything else waiting). */
  record = async (outcome: NewOutcome): Promise<void> => {
    const item: PendingOutcome = { ...outcome, seq: ++this.seq, queuedAt: this.now().toISOString() }
    this.items.set(item.key, item)
    this.emit()
    await quietly(() => this.storage.put(item))
    await this.flush()
  }

  /** Lets a refused outcome go: the task is shown as DHIS2 holds it, and can be recorded again. */
  discard = async (key: string): Promise<void> => {
    if (!this.items.delete(key)) return
    this.emit()
    await quietly(() => this.storage.remove(key))
  }

  /** Oldest first. */
  protected async run(): Promise<void> {
    do {
      this.rerun = false
      const batch = [...this.items.values()].filter((i) => i.refused === undefined).sort((a, b) => a.seq - b.seq)
      for (const item of batch) {
        if (this.items.get(item.key)?.seq !== item.seq) continue
        const outcome = await this.send(item)
        if (outcome.kind === 'offline' || outcome.kind === 'session-expired') {
          this.held = outcome.kind
          this.emit()
          return
        }
        this.held = null
        if (this.items.get(item.key)?.seq !== item.seq) {
          // Recorded again while this one was on its way: send the newer one next.
          this.rerun = true
          continue
        }
        if (outcome.kind === 'sent') {
          this.items.delete(item.key)
          this.sent += 1
          await quietly(() => this.storage.remove(item.key))
        } else {
          const kept = { ...item, refused: outcome.message }
          this.items.set(item.key, kept)
          await quietly(() => this.storage.put(kept))
        }
        this.emit()
      }
    } while (this.rerun)
    this.held = null
    this.emit()
  }

  private emit(): void {
    const all = [...this.items.values()].sort((a, b) => a.seq - b.seq)
    this.publish({
      loaded: this.loaded,
      pending: all.filter((i) => i.refused === undefined),
      refused: all.filter((i) => i.refused !== undefined),
      held: this.held,
      sent: this.sent,
    })
  }
}
