/**
 * What the device's write-ahead queues share (the report's values, offline/valueQueue.ts; the help desk's
 * tickets, helpdesk/ticketQueue.ts): a snapshot React reads with useSyncExternalStore, and one flush at a time —
 * a flush asked for while one runs makes the running one go round again, so nothing entered meanwhile waits for
 * the next trigger.
 */
export abstract class SerialQueue<Snapshot> {
  private readonly listeners = new Set<() => void>()
  private running: Promise<void> | null = null
  /** Set when a flush is asked for during a run: `run` loops while it is set (and clears it each round). */
  protected rerun = false

  protected constructor(private snapshot: Snapshot) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): Snapshot => this.snapshot

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

  /** One sending pass over what waits. */
  protected abstract run(): Promise<void>

  /** A new snapshot for the screens. */
  protected publish(snapshot: Snapshot): void {
    this.snapshot = snapshot
    for (const listener of this.listeners) listener()
  }
}

/** A write to the device's store that may fail (IndexedDB unavailable, quota): the item stays in memory. */
export async function quietly(write: () => Promise<void>): Promise<void> {
  try {
    await write()
  } catch {
    // Kept in memory only: a reload before it is sent could lose it.
  }
}
