/**
 * How many BullMQ workers listen on a queue, in THIS Redis database. BullMQ's getWorkersCount reads
 * CLIENT LIST, which lists the clients of every database of the server: a worker of another deployment on
 * the same Redis (another database index, same queue names) would count. Answers undefined when the server
 * refuses CLIENT LIST (some managed Redis): unknown.
 */
import type { Queue } from 'bullmq'

export async function workersOn(queue: Pick<Queue, 'getWorkers'>, db: number): Promise<number | undefined> {
  try {
    const clients = (await queue.getWorkers()) as Record<string, string | undefined>[]
    if (clients.some((c) => c.db === undefined)) return undefined
    return clients.filter((c) => c.db === String(db)).length
  } catch {
    return undefined
  }
}
