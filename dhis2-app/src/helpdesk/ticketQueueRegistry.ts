// One ticket queue per app session and user, whichever screen is open: a ticket filed offline on « Aide » is sent
// when the network returns even if the RC has gone on to their report. Keyed by the data engine (one per app, a
// new one per test render) and the username (one store per DHIS2 user).
import { createContext, useContext } from 'react'
import type { DataEngine } from './helpdeskApi'
import { engineTicketSender } from './sendTicket'
import { TicketQueue, type TicketStorage } from './ticketQueue'
import { idbTicketStorage } from './ticketStorage'

/** Where tickets wait: IndexedDB in the app; tests set a store in memory around the routes. */
export const TicketStorageContext = createContext<(username: string) => TicketStorage>(idbTicketStorage)

export const useTicketStorage = () => useContext(TicketStorageContext)

const queues = new WeakMap<DataEngine, Map<string, TicketQueue>>()

export function ticketQueueFor(
  engine: DataEngine,
  username: string,
  storage: (username: string) => TicketStorage,
): TicketQueue {
  let byUser = queues.get(engine)
  if (!byUser) queues.set(engine, (byUser = new Map()))
  let queue = byUser.get(username)
  if (!queue) {
    const created = new TicketQueue(storage(username), engineTicketSender(engine))
    byUser.set(username, created)
    void created.init().then(() => created.flush())
    queue = created
  }
  return queue
}
