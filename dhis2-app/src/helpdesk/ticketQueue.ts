// The RC's tickets wait on the phone until DHIS2 has them, the way the report's values do (offline/valueQueue.ts):
// a ticket is first stored (IndexedDB, one store per DHIS2 user), then sent; it leaves the store only once DHIS2
// has the conversation and its photo. Without a network, or with an expired session, it stays and goes with the
// next flush, in the order filed. Sending takes up to three calls (photo, feedback, photo attached): each step
// done is written back to the store, so a retry resumes where the last one stopped and never files twice.
import { quietly, SerialQueue } from '../offline/serialQueue'
import type { HoldReason } from '../offline/types'
import type { TicketCategory } from './ticketSubject'

export interface PendingPhoto {
  name: string
  type: string
  size: number
  blob: Blob
}

export interface PendingTicket {
  /** The ticket's reference (in its subject): also the key in the store. */
  ref: string
  seq: number
  /** Browser time the RC filed it (ISO). */
  queuedAt: string
  category: TicketCategory
  text: string
  photo?: PendingPhoto
  /** Steps already done in DHIS2. */
  fileResourceId?: string
  conversationId?: string
  /** The RC's zone and aire (their supervisors) added to the conversation. */
  supervisorsAdded?: boolean
  photoAttached?: boolean
  /** DHIS2 refused it for good: kept (and shown) until the RC sends it again or lets it go. */
  refused?: string
}

export interface TicketStorage {
  load(): Promise<PendingTicket[]>
  put(ticket: PendingTicket): Promise<void>
  remove(ref: string): Promise<void>
}

export type TicketSendOutcome =
  { kind: 'sent' } | { kind: 'offline' } | { kind: 'session-expired' } | { kind: 'rejected'; message: string }

/** Sends one ticket; `progress` keeps each step done (the ticket as it is now). */
export type TicketSender = (
  ticket: PendingTicket,
  progress: (ticket: PendingTicket) => Promise<void>,
) => Promise<TicketSendOutcome>

export interface TicketQueueSnapshot {
  loaded: boolean
  pending: readonly PendingTicket[]
  refused: readonly PendingTicket[]
  held: HoldReason | null
  /** How many tickets DHIS2 took during this visit: the list of tickets reloads when one more arrives. */
  sent: number
}

export type NewTicket = Pick<PendingTicket, 'ref' | 'category' | 'text' | 'photo'>

export class TicketQueue extends SerialQueue<TicketQueueSnapshot> {
  private readonly items = new Map<string, PendingTicket>()
  private held: HoldReason | null = null
  private loaded = false
  private sent = 0
  private seq = 0

  constructor(
    private readonly storage: TicketStorage,
    private readonly send: TicketSender,
    private readonly now: () => Date = () => new Date(),
  ) {
    super({ loaded: false, pending: [], refused: [], held: null, sent: 0 })
  }

  async init(): Promise<void> {
    let stored: PendingTicket[] = []
    try {
      stored = await this.storage.load()
    } catch {
      // IndexedDB unavailable (private browsing…): the queue works in memory only.
    }
    for (const ticket of stored) {
      this.seq = Math.max(this.seq, ticket.seq)
      this.items.set(ticket.ref, ticket)
    }
    this.loaded = true
    this.emit()
  }

  /** Keeps the ticket on the device, then sends it (with anything else waiting). */
  file = async (ticket: NewTicket): Promise<void> => {
    const item: PendingTicket = { ...ticket, seq: ++this.seq, queuedAt: this.now().toISOString() }
    this.items.set(item.ref, item)
    this.emit()
    await this.keep(item)
    await this.flush()
  }

  /** A refused ticket the RC wants to send again (after the cause was fixed). */
  retry = async (ref: string): Promise<void> => {
    const item = this.items.get(ref)
    if (!item?.refused) return
    const { refused: _refused, ...again } = item
    this.items.set(ref, again)
    this.emit()
    await this.keep(again)
    await this.flush()
  }

  /** Gives a ticket up: it is never sent. */
  discard = async (ref: string): Promise<void> => {
    if (!this.items.delete(ref)) return
    this.emit()
    try {
      await this.storage.remove(ref)
    } catch {
      // Gone from memory; a reload may show it again, and the RC can discard it again.
    }
  }

  /** Oldest first. */
  protected async run(): Promise<void> {
    do {
      this.rerun = false
      const batch = [...this.items.values()].filter((t) => t.refused === undefined).sort((a, b) => a.seq - b.seq)
      for (const ticket of batch) {
        if (!this.items.has(ticket.ref)) continue
        const outcome = await this.send(ticket, async (step) => {
          if (!this.items.has(step.ref)) return
          this.items.set(step.ref, step)
          await this.keep(step)
        })
        if (outcome.kind === 'offline' || outcome.kind === 'session-expired') {
          this.held = outcome.kind
          this.emit()
          return
        }
        this.held = null
        if (outcome.kind === 'sent') {
          this.items.delete(ticket.ref)
          this.sent += 1
          // Sent: a copy left in the store is found by its reference and not filed again.
          await quietly(() => this.storage.remove(ticket.ref))
        } else {
          const current = this.items.get(ticket.ref)
          if (current) {
            const kept = { ...current, refused: outcome.message }
            this.items.set(ticket.ref, kept)
            await this.keep(kept)
          }
        }
        this.emit()
      }
    } while (this.rerun)
    this.held = null
    this.emit()
  }

  private keep(ticket: PendingTicket): Promise<void> {
    return quietly(() => this.storage.put(ticket))
  }

  private emit(): void {
    const all = [...this.items.values()].sort((a, b) => a.seq - b.seq)
    this.publish({
      loaded: this.loaded,
      pending: all.filter((t) => t.refused === undefined),
      refused: all.filter((t) => t.refused !== undefined),
      held: this.held,
      sent: this.sent,
    })
  }
}
