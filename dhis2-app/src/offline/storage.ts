import { createStore, del, entries, set } from 'idb-keyval'
import type { PendingItem, QueueStorage } from './types'

/**
 * The queue in IndexedDB, one database per DHIS2 user: values typed by one person are never sent
 * with another person's session on a shared tablet.
 */
export function idbQueueStorage(username: string): QueueStorage {
  const store = createStore(`relais-pending-${username}`, 'values')
  return {
    load: async () => (await entries<string, PendingItem>(store)).map(([, item]) => item),
    put: (item) => set(item.key, item, store),
    remove: (key) => del(key, store),
  }
}

/** A queue kept in memory only: for tests, and when IndexedDB is unavailable. */
export function memoryQueueStorage(initial: PendingItem[] = []): QueueStorage & { items: Map<string, PendingItem> } {
  const items = new Map(initial.map((item) => [item.key, item]))
  return {
    items,
    load: async () => [...items.values()],
    put: async (item) => {
      items.set(item.key, item)
    },
    remove: async (key) => {
      items.delete(key)
    },
  }
}
