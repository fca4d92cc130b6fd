// One outcome queue per app session and user, whichever screen is open: an outcome recorded offline is sent when
// the network returns even if the RC has gone on to their report (as the help desk's tickets). Keyed by the data
// engine (one per app, a new one per test render) and the username (one store per DHIS2 user).
import { useDataEngine } from '@dhis2/app-runtime'
import { createContext, useContext, useSyncExternalStore } from 'react'
import { idbKeyedStorage } from '../offline/storage'
import { useCurrentUser } from '../shared/CurrentUserProvider'
import { OutcomeQueue, outcomeKey, type OutcomeQueueSnapshot, type OutcomeStorage } from './outcomeQueue'
import { engineOutcomeSender } from './sendOutcome'
import type { DataEngine } from './tracingProgram'

/** Where outcomes wait: IndexedDB in the app; tests set a store in memory around the routes. */
export const OutcomeStorageContext = createContext<(username: string) => OutcomeStorage>((username) =>
  idbKeyedStorage(`relais-tracing-${username}`, outcomeKey),
)

const queues = new WeakMap<DataEngine, Map<string, OutcomeQueue>>()

export function outcomeQueueFor(
  engine: DataEngine,
  username: string,
  storage: (username: string) => OutcomeStorage,
): OutcomeQueue {
  let byUser = queues.get(engine)
  if (!byUser) queues.set(engine, (byUser = new Map()))
  let queue = byUser.get(username)
  if (!queue) {
    const created = new OutcomeQueue(storage(username), engineOutcomeSender(engine))
    byUser.set(username, created)
    void created.init().then(() => created.flush())
    queue = created
  }
  return queue
}

/** The signed-in user's outcome queue. */
export function useOutcomeQueueInstance(): OutcomeQueue {
  const engine = useDataEngine()
  const { user } = useCurrentUser()
  return outcomeQueueFor(engine, user.username, useContext(OutcomeStorageContext))
}

export interface OutcomeQueueApi extends OutcomeQueueSnapshot {
  record: OutcomeQueue['record']
  discard: OutcomeQueue['discard']
  flush: OutcomeQueue['flush']
}

/** The signed-in user's outcome queue and what it holds now. */
export function useOutcomeQueue(): OutcomeQueueApi {
  const queue = useOutcomeQueueInstance()
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot)
  return { ...snapshot, record: queue.record, discard: queue.discard, flush: queue.flush }
}
