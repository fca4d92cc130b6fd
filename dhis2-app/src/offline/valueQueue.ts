import {
  completionKey,
  pendingKey,
  type DataValueTarget,
  type HoldReason,
  type PendingItem,
  type QueueStorage,
  type ReportTarget,
  type SaveState,
  type SendOutcome,
} from './types'
import { quietly, SerialQueue } from './serialQueue'

export interface QueueSnapshot {
  /** False until what a previous visit left in the store is loaded: a form waits for it. */
  loaded: boolean
  /** Values and completions not yet in DHIS2, in entry order. */
  pending: readonly PendingItem[]
  /** What DHIS2 refused for good, kept until the person changes it or dismisses it. */
  refused: readonly PendingItem[]
  /** Save state of every cell (and completion) touched, by key. */
  states: ReadonlyMap<string, SaveState>
  /** Why sending is held back, or null when the queue is moving. */
  held: HoldReason | null
}

/** When the person acted, on DHIS2's clock (server-local, no offset). */
export type ActedAt = () => string | undefined

/**
 * The write-ahead queue of what people enter (the aggregate data entry app's idea, without TanStack
 * Query): every value, completion and un-completion is first stored (IndexedDB), then sent; it leaves the
 * store only once DHIS2 has it. Without a network, or with an expired session, items stay and are sent by
 * the next flush — nothing typed is lost, and a completion never goes before the values typed before it.
 * One flush runs at a time; items go in the order they were entered.
 */
export class ValueQueue extends SerialQueue<QueueSnapshot> {
  private readonly items = new Map<string, PendingItem>()
  private readonly refused = new Map<string, PendingItem>()
  private readonly states = new Map<string, SaveState>()
  private held: HoldReason | null = null
  private loaded = false
  private seq = 0

  constructor(
    private readonly storage: QueueStorage,
    private readonly send: (item: PendingItem) => Promise<SendOutcome>,
    private readonly now: () => Date = () => new Date(),
  ) {
    super({ loaded: false, pending: [], refused: [], states: new Map(), held: null })
  }

  /** Loads what a previous visit left in the store. */
  async init(): Promise<void> {
    let stored: PendingItem[] = []
    try {
      stored = await this.storage.load()
    } catch {
      // IndexedDB unavailable (private browsing…): the queue works in memory only.
    }
    for (const item of stored) {
      this.seq = Math.max(this.seq, item.seq)
      const into = item.refused === undefined ? this.items : this.refused
      const current = this.items.get(item.key) ?? this.refused.get(item.key)
      if (current && current.seq >= item.seq) continue
      this.items.delete(item.key)
      this.refused.delete(item.key)
      into.set(item.key, item)
      if (!this.states.has(item.key)) {
        this.states.set(
          item.key,
          item.refused === undefined
            ? { status: 'waiting', reason: 'offline' }
            : { status: 'failed', message: item.refused },
        )
      }
    }
    this.loaded = true
    this.emit()
  }

  /** Keeps the value, then sends it (with anything else waiting). */
  save = (target: DataValueTarget, value: string, label: string, actedAt?: string): Promise<void> =>
    this.enqueue({ ...target, key: pendingKey(target), value, label, ...this.stamp(actedAt) })

  /** Keeps a completion (or un-completion) of a report, then sends it after the values before it. */
  saveCompletion = (target: ReportTarget, completed: boolean, label: string, actedAt?: string): Promise<void> =>
    this.enqueue({
      ...target,
      kind: 'completion',
      key: completionKey(target),
      completed,
      label,
      ...this.stamp(actedAt),
    })

  /**
   * Gives up an item: a refused value the person no longer wants, or a queued value older than what DHIS2
   * now holds (someone changed it after this was typed). `why` is shown on the cell; nothing is sent.
   */
  discard = async (key: string, why?: string): Promise<void> => {
    if (!this.items.delete(key) && !this.refused.delete(key)) return
    if (why) this.states.set(key, { status: 'failed', message: why })
    else this.states.delete(key)
    this.emit()
    await quietly(() => this.storage.remove(key))
  }

  private stamp(actedAt: string | undefined) {
    return { seq: ++this.seq, queuedAt: this.now().toISOString(), ...(actedAt ? { actedAt } : {}) }
  }

  private async enqueue(item: PendingItem): Promise<void> {
    this.refused.delete(item.key)
    this.items.set(item.key, item)
    this.states.set(item.key, this.held ? { status: 'waiting', reason: this.held } : { status: 'saving' })
    this.emit()
    await quietly(() => this.storage.put(item))
    await this.flush()
  }

  protected async run(): Promise<void> {
    do {
      this.rerun = false
      const batch = [...this.items.values()].sort((a, b) => a.seq - b.seq)
      for (const item of batch) {
        if (this.items.get(item.key)?.seq !== item.seq) continue
        this.states.set(item.key, { status: 'saving' })
        this.emit()
        const outcome = await this.send(item)
        if (outcome.kind === 'offline' || outcome.kind === 'session-expired') {
          this.hold(outcome.kind)
          return
        }
        this.held = null
        if (this.items.get(item.key)?.seq !== item.seq) {
          // A newer value of the cell was typed while this one was on its way: send that one next.
          this.rerun = true
          continue
        }
        this.items.delete(item.key)
        if (outcome.kind === 'sent' || outcome.kind === 'superseded') {
          this.states.set(
            item.key,
            outcome.kind === 'sent' ? { status: 'saved' } : { status: 'failed', message: outcome.message },
          )
          await quietly(() => this.storage.remove(item.key))
        } else {
          const kept = { ...item, refused: outcome.message }
          this.refused.set(item.key, kept)
          this.states.set(item.key, { status: 'failed', message: outcome.message })
          await quietly(() => this.storage.put(kept))
        }
        this.emit()
      }
    } while (this.rerun)
    this.held = null
    this.emit()
  }

  private hold(reason: HoldReason): void {
    this.held = reason
    for (const key of this.items.keys()) this.states.set(key, { status: 'waiting', reason })
    this.emit()
  }

  private emit(): void {
    const bySeq = (a: PendingItem, b: PendingItem) => a.seq - b.seq
    this.publish({
      loaded: this.loaded,
      pending: [...this.items.values()].sort(bySeq),
      refused: [...this.refused.values()].sort(bySeq),
      states: new Map(this.states),
      held: this.held,
    })
  }
}
