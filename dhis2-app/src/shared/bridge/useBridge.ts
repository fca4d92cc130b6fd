// Calls to the bridge through the DHIS2 route with the app's data engine (so tests use CustomDataProvider and the
// app the real DHIS2 session). A read may poll while its answer says work is going on.
import { useDataEngine } from '@dhis2/app-runtime'
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react'
import { classifyError, type BridgeProblem } from './bridgeProblem'
import { bridgeResource, type QueryParams } from './paths'
import { PROOF_NAMESPACE, PROOF_PARAM, RouteProofKeeper } from './routeProof'

export interface BridgeSettings {
  /** How often a running run (or a record on its way to DHIS2) is asked again. */
  pollMs: number
}

/** Every 1.5 s: fast enough to watch a run move, slow enough for DHIS2 and the bridge. Tests make it shorter. */
export const BridgeSettingsContext = createContext<BridgeSettings>({ pollMs: 1500 })
export const useBridgeSettings = () => useContext(BridgeSettingsContext)

type Engine = ReturnType<typeof useDataEngine>

/** One proof keeper per data engine (per signed-in app), shared by every call. */
const keepers = new WeakMap<Engine, RouteProofKeeper>()

export function routeProofKeeper(engine: Engine): RouteProofKeeper {
  let keeper = keepers.get(engine)
  if (!keeper) {
    keeper = new RouteProofKeeper({
      async create(key) {
        await engine.mutate({ type: 'create', resource: `dataStore/${PROOF_NAMESPACE}/${key}`, data: {} })
      },
      async remove(key) {
        await engine.mutate({ type: 'delete', resource: `dataStore/${PROOF_NAMESPACE}`, id: key })
      },
    })
    keepers.set(engine, keeper)
  }
  return keeper
}

/**
 * Calls `call` with the current route proof; when the bridge refuses the proof (expired, deleted), once more
 * with a new one. A proof that cannot be written at all is the call's failure.
 */
/** One read of the bridge through the route, with a route proof (renewed once if refused). */
export async function queryBridge<T>(engine: Engine, path: string, params?: QueryParams): Promise<T> {
  const answer = (await withRouteProof(engine, (proof) =>
    engine.query({ result: { resource: bridgeResource(path), params: { ...params, [PROOF_PARAM]: proof } } }),
  )) as { result: T }
  return answer.result
}

export async function withRouteProof<T>(engine: Engine, call: (proof: string) => Promise<T>): Promise<T> {
  const keeper = routeProofKeeper(engine)
  try {
    return await call(await keeper.nonceFor())
  } catch (error) {
    if (classifyError(error).kind !== 'route-proof') throw error
    return call(await keeper.nonceFor(true))
  }
}

export interface BridgeRead<T> {
  data: T | undefined
  problem: BridgeProblem | undefined
  loading: boolean
  /** Ask again now (after an action, or from a Retry button). */
  refetch: () => void
}

/**
 * GET a bridge path (null: nothing to ask yet). With `pollWhile`, asks again every pollMs while it says true of
 * the last answer. Keeps the last answer while a new one is on its way, so nothing flickers while polling.
 */
export function useBridgeGet<T>(
  path: string | null,
  params?: QueryParams,
  pollWhile?: (data: T) => boolean,
): BridgeRead<T> {
  const engine = useDataEngine()
  const { pollMs } = useBridgeSettings()
  const [state, setState] = useState<{ key: string; data?: T; problem?: BridgeProblem; loading: boolean }>({
    key: '',
    loading: path !== null,
  })
  const [generation, setGeneration] = useState(0)
  const pollRef = useRef(pollWhile)
  pollRef.current = pollWhile
  const key = path === null ? '' : `${path}?${JSON.stringify(params ?? {})}`

  useEffect(() => {
    if (path === null) return
    let cancelled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const ask = async () => {
      try {
        const result = await queryBridge<T>(engine, path, params)
        if (cancelled) return
        setState({ key, data: result, loading: false })
        if (pollRef.current?.(result)) timer = setTimeout(() => void ask(), pollMs)
      } catch (error) {
        if (cancelled) return
        setState((previous) => ({
          key,
          ...(previous.key === key && previous.data !== undefined ? { data: previous.data } : {}),
          problem: classifyError(error),
          loading: false,
        }))
      }
    }
    setState((previous) => (previous.key === key ? { ...previous, loading: true } : { key, loading: true }))
    void ask()
    return () => {
      cancelled = true
      if (timer) clearTimeout(timer)
    }
    // `key` stands for path and params (a new params object with the same content must not ask again)
  }, [engine, key, generation, pollMs])

  const refetch = useCallback(() => setGeneration((g) => g + 1), [])
  const current = state.key === key
  return {
    data: current ? state.data : undefined,
    problem: current ? state.problem : undefined,
    loading: path !== null && (!current || state.loading),
    refetch,
  }
}

export type ActionResult<T> = { ok: true; data: T } | { ok: false; problem: BridgeProblem }

/** POST a JSON body to a bridge path (the route drops Content-Type; the bridge parses JSON bodies whatever it says). */
export function useBridgePost() {
  const engine = useDataEngine()
  return useCallback(
    async <T>(path: string, data: Record<string, unknown> = {}): Promise<ActionResult<T>> => {
      try {
        const answer = (await withRouteProof(engine, (proof) =>
          engine.mutate({ type: 'create', resource: bridgeResource(path), data, params: { [PROOF_PARAM]: proof } }),
        )) as T
        return { ok: true, data: answer }
      } catch (error) {
        return { ok: false, problem: classifyError(error) }
      }
    },
    [engine],
  )
}
