import { createStore, del, entries, set } from 'idb-keyval'
import type { PendingTicket, TicketStorage } from './ticketQueue'

/**
 * The tickets waiting on the phone, in IndexedDB (photo included, as a Blob), one database per DHIS2 user as for
 * the report's values (offline/storage.ts): a ticket filed by one person never goes with another's session.
 */
export function idbTicketStorage(username: string): TicketStorage {
  // Opened at first use, inside the calls: without IndexedDB (tests, some private modes) each call fails and the
  // queue goes on in memory, instead of the screen failing.
  let store: ReturnType<typeof createStore> | undefined
  const opened = () => (store ??= createStore(`relais-helpdesk-${username}`, 'tickets'))
  return {
    load: async () => (await entries<string, PendingTicket>(opened())).map(([, ticket]) => ticket),
    put: async (ticket) => set(ticket.ref, ticket, opened()),
    remove: async (ref) => del(ref, opened()),
  }
}

/** Tickets kept in memory only: for tests, and when IndexedDB is unavailable. */
export function memoryTicketStorage(initial: PendingTicket[] = []): TicketStorage & {
  items: Map<string, PendingTicket>
} {
  const items = new Map(initial.map((ticket) => [ticket.ref, ticket]))
  return {
    items,
    load: async () => [...items.values()],
    put: async (ticket) => {
      items.set(ticket.ref, ticket)
    },
    remove: async (ref) => {
      items.delete(ref)
    },
  }
}
