// The few DHIS2 calls the dataStore modules make, behind a small interface: the app gives them its data
// engine; tests against the stand-in give them fetch with a user's login (tests/security/gaps-datastore).
import type { useDataEngine } from '@dhis2/app-runtime'

export type Params = Record<string, string | number | boolean>

export interface Dhis2Access {
  get(resource: string, params?: Params): Promise<unknown>
  /** POST (create); the answer is not needed. */
  create(resource: string, data: unknown, params?: Params): Promise<void>
  /** PUT (replace what is there). */
  replace(resource: string, data: unknown): Promise<void>
}

export function engineAccess(engine: ReturnType<typeof useDataEngine>): Dhis2Access {
  return {
    async get(resource, params) {
      const answer = (await engine.query({ result: { resource, ...(params ? { params } : {}) } })) as {
        result: unknown
      }
      return answer.result
    },
    async create(resource, data, params) {
      await engine.mutate({
        type: 'create',
        resource,
        data: data as Record<string, unknown>,
        ...(params ? { params } : {}),
      })
    },
    async replace(resource, data) {
      // The engine names the object apart from its collection: dataStore/relais + id dashboard-settings.
      const cut = resource.lastIndexOf('/')
      await engine.mutate({
        type: 'replace',
        resource: resource.slice(0, cut),
        id: resource.slice(cut + 1),
        data: data as Record<string, unknown>,
      })
    },
  }
}

/** The HTTP status of a failed call, when the error carries one (app-runtime's FetchError, or our own). */
export const statusOf = (error: unknown): number | undefined =>
  (error as { details?: { httpStatusCode?: number } } | null)?.details?.httpStatusCode

/** Runs `task` over `items`, at most `limit` at a time, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await task(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}
