import {
  pendingKey,
  type DataValueTarget,
  type HoldReason,
  type PendingValue,
  type QueueStorage,
  type SaveState,
  type SendOutcome,
} from './types'

export interface QueueSnapshot {
  /** Values not yet in DHIS2, in entry order. */
  pending: readonly PendingValue[]
  /** Save state of every cell touched since the app opened, by pending key. */
  states: ReadonlyMap<string, SaveState>
  /** Why sending is held back, or null when the queue is moving. */
  held: HoldReason | null
}

/**
 * The write-ahead queue of entered values (the aggregate data entry app's idea, without TanStack Query):
 * every value is first stored (IndexedDB), then sent; it leaves the store only once DHIS2 has it or has
 * refused it for good. Without a network, or with an expired session, values stay and are sent by the
 * next flush — nothing typed is lost. One flush runs at a time; values go in the order they were typed.
 */
export class ValueQueue {
  private readonly items = new Map<string, PendingValue>()
  private readonly states = new Map<string, SaveState>()
  private readonly listeners = new Set<() => void>()
  private held: HoldReason | null = null
  private seq = 0
  private running: Promise<void> | null = null
  private rerun = false
  private snapshot: QueueSnapshot = { pending: [], states: new Map(), held: null }

  constructor(
    private readonly storage: QueueStorage,
    private readonly send: (item: PendingValue) => Promise<SendOutcome>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Loads what a previous visit left in the store. */
  async init(): Promise<void> {
    let stored: PendingValue[] = []
    try {
      stored = await this.storage.load()
    } catch {
      // IndexedDB unavailable (private browsing…): the queue works in memory only.
    }
    for (const item of stored) {
      const current = this.items.get(item.key)
      if (!current || current.seq < item.seq) this.items.set(item.key, item)
      this.seq = Math.max(this.seq, item.seq)
      if (!this.states.has(item.key)) this.states.set(item.key, { status: 'waiting', reason: 'offline' })
    }
    this.emit()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): QueueSnapshot => this.snapshot

  /** Keeps the value, then sends it (with anything else waiting). */
  save = async (target: DataValueTarget, value: string, label: string): Promise<void> => {
    const key = pendingKey(target)
    const item: PendingValue = { ...target, key, value, label, seq: ++this.seq, queuedAt: this.now().toISOString() }
    this.items.set(key, item)
    this.states.set(key, this.held ? { status: 'waiting', reason: this.held } : { status: 'saving' })
    this.emit()
    await this.quietly(() => this.storage.put(item))
    await this.flush()
  }

  /** Sends everything waiting; resolves when the queue is empty or held back again. */
  flush = (): Promise<void> => {
    if (this.running) {
      this.rerun = true
      return this.running
    }
    this.running = this.run().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async run(): Promise<void> {
    do {
      this.rerun = false
      const batch = [...this.items.values()].sort((a, b) => a.seq - b.seq)
      for (const item of batch) {
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
        await this.quietly(() => this.storage.remove(item.key))
        this.states.set(
          item.key,
          outcome.kind === 'sent' ? { status: 'saved' } : { status: 'failed', message: outcome.message },
        )
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

  private async quietly(write: () => Promise<void>): Promise<void> {
    try {
      await write()
    } catch {
      // The value stays in memory; only a reload before it is sent could lose it.
    }
  }

  private emit(): void {
    this.snapshot = {
      pending: [...this.items.values()].sort((a, b) => a.seq - b.seq),
      states: new Map(this.states),
      held: this.held,
    }
    for (const listener of this.listeners) listener()
  }
}
