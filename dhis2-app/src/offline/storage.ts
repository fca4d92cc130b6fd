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

/** Any list of items kept by key on the device (the tracing outcomes, tracing/outcomeQueue.ts). */
export interface KeyedStorage<T> {
  load(): Promise<T[]>
  put(item: T): Promise<void>
  remove(key: string): Promise<void>
}

/**
 * Items in IndexedDB, in a database of their own per DHIS2 user (as the values above). The store is opened at
 * first use, inside the calls: without IndexedDB each call fails and the caller goes on in memory.
 */
export function idbKeyedStorage<T>(database: string, keyOf: (item: T) => string): KeyedStorage<T> {
  let store: ReturnType<typeof createStore> | undefined
  const opened = () => (store ??= createStore(database, 'items'))
  return {
    load: async () => (await entries<string, T>(opened())).map(([, item]) => item),
    put: async (item) => set(keyOf(item), item, opened()),
    remove: async (key) => del(key, opened()),
  }
}

/** Keyed items in memory only: for tests. */
export function memoryKeyedStorage<T>(
  keyOf: (item: T) => string,
  initial: T[] = [],
): KeyedStorage<T> & { items: Map<string, T> } {
  const items = new Map(initial.map((item) => [keyOf(item), item]))
  return {
    items,
    load: async () => [...items.values()],
    put: async (item) => {
      items.set(keyOf(item), item)
    },
    remove: async (key) => {
      items.delete(key)
    },
  }
}
