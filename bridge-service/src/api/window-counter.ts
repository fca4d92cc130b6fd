/**
 * A fixed-window counter per key (a source, an IP address), in process memory and bounded: the webhook's rate
 * limits (routes/inbound.ts). Pure apart from the clock.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    /** Past this many keys (a spray of addresses), the oldest windows are forgotten. */
    private readonly maxKeys = 10_000,
  ) {}

  /** The count of `key` in the current window. */
  count(key: string): number {
    const window = this.windows.get(key)
    return window && this.now() - window.start < this.windowMs ? window.count : 0
  }

  /** Counts one for `key`; answers the new count in the current window. */
  add(key: string): number {
    const now = this.now()
    let window = this.windows.get(key)
    if (!window || now - window.start >= this.windowMs) {
      this.windows.delete(key)
      if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value as string)
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    return ++window.count
  }
}
