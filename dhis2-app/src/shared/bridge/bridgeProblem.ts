// What went wrong when the app called the bridge through the DHIS2 route, told apart from what DHIS2 and the
// bridge answer (web-api.md §7): DHIS2 answers for the route itself (404 unknown route, 403 not allowed,
// 502/503/504 the bridge did not answer), the bridge answers its own JSON `{ error, message }` with a stable code.
// Pure: no React, no i18n (messages.ts words it).

import type { BridgeErrorBody } from './types'

export type BridgeProblemKind =
  /** DHIS2 has no route `relais-bridge` (or it is disabled): 404 from DHIS2, not from the bridge. */
  | 'route-missing'
  /** DHIS2 refused the route to this user (the route's authorities): 403 from DHIS2. */
  | 'route-forbidden'
  /** The route did not reach the bridge: 502/503/504 from DHIS2, or the bridge says it is not ready. */
  | 'bridge-down'
  /** The bridge did not accept the route's secret: the route's header does not match RELAIS_ROUTE_SECRET. */
  | 'route-secret'
  /** The route is fine but the bridge could not find this DHIS2 user (bridge answer 401, reason unknown-user). */
  | 'user-unknown'
  /**
   * The bridge did not take the app's route proof (reason route-proof-missing / -refused) even when new: its
   * DHIS2 account cannot read the dataStore namespace relais-proofs, or this user cannot write there.
   */
  | 'route-proof'
  /** The browser could not reach DHIS2 at all. */
  | 'network'
  /** Any other answer of the bridge: its code says what. */
  | 'bridge-error'

export interface BridgeProblem {
  kind: BridgeProblemKind
  status?: number
  /** The bridge's stable code (`not-found`, `state-conflict`, …) when the bridge answered. */
  code?: string
  /** The server's own words (English), shown as detail. */
  message?: string
  issues?: BridgeErrorBody['issues']
  /** dhis2-changed: what DHIS2 holds now that differs from what a dry run read. */
  changes?: Dhis2Change[]
}

/** What DHIS2 holds now that differs from what a dry run read: the bridge's contract (api/types.ts). */
export type Dhis2Change = NonNullable<BridgeErrorBody['changes']>[number]

type Loose = Record<string, unknown>
const isObject = (value: unknown): value is Loose =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The bridge's error body `{ error, message }` (a DHIS2 WebMessage has `httpStatusCode` and no `error`). */
function bridgeBody(
  body: unknown,
):
  | { error: string; reason?: string; message?: string; issues?: BridgeProblem['issues']; changes?: Dhis2Change[] }
  | undefined {
  if (!isObject(body) || typeof body.error !== 'string' || 'httpStatusCode' in body) return undefined
  return {
    error: body.error,
    ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
    ...(typeof body.message === 'string' ? { message: body.message } : {}),
    ...(Array.isArray(body.issues) ? { issues: body.issues as BridgeProblem['issues'] } : {}),
    ...(Array.isArray(body.changes) ? { changes: body.changes as Dhis2Change[] } : {}),
  }
}

/** An HTTP answer (status and parsed JSON body, or undefined) → the problem it means. */
export function classifyAnswer(status: number | undefined, body: unknown): BridgeProblem {
  const bridge = bridgeBody(body)
  const dhis2Message = isObject(body) && typeof body.message === 'string' ? body.message : undefined
  if (bridge) {
    const problem: BridgeProblem = {
      kind: 'bridge-error',
      code: bridge.error,
      ...(status !== undefined ? { status } : {}),
      ...(bridge.message ? { message: bridge.message } : {}),
      ...(bridge.issues ? { issues: bridge.issues } : {}),
      ...(bridge.changes ? { changes: bridge.changes } : {}),
    }
    if (bridge.error === 'not-ready') return { ...problem, kind: 'bridge-down' }
    if (bridge.error === 'unauthorized') {
      if (bridge.reason === 'route-proof-missing' || bridge.reason === 'route-proof-refused')
        return { ...problem, kind: 'route-proof' }
      return { ...problem, kind: bridge.reason === 'unknown-user' ? 'user-unknown' : 'route-secret' }
    }
    return problem
  }
  const withStatus = (kind: BridgeProblemKind): BridgeProblem => ({
    kind,
    ...(status !== undefined ? { status } : {}),
    ...(dhis2Message ? { message: dhis2Message } : {}),
  })
  if (status === 404) return withStatus('route-missing')
  if (status === 403) return withStatus('route-forbidden')
  if (status === 502 || status === 503 || status === 504) return withStatus('bridge-down')
  if (status === undefined) return withStatus('network')
  return withStatus('bridge-error')
}

/**
 * The data engine's FetchError (app-runtime's fetchData): `type` network|access|unknown, `details` the parsed JSON
 * body, and the HTTP status only in the message ("… - Not Found (404)") or in a DHIS2 WebMessage body.
 */
export function classifyError(error: unknown): BridgeProblem {
  if (!isObject(error) && !(error instanceof Error)) return { kind: 'bridge-error' }
  const err = error as Loose
  if (err.type === 'network') return { kind: 'network' }
  const details = err.details
  const message = typeof err.message === 'string' ? err.message : ''
  let status: number | undefined
  const inMessage = /\((\d{3})\)\s*$/.exec(message)
  if (inMessage) status = Number(inMessage[1])
  else if (isObject(details) && typeof details.httpStatusCode === 'number') status = details.httpStatusCode
  else if (err.type === 'access') {
    // 401/403/409 come without their number: the body tells which (the bridge's code or DHIS2's WebMessage).
    const code = isObject(details) ? details.error : undefined
    status = code === 'unauthorized' ? 401 : code === 'state-conflict' ? 409 : 403
  }
  if (status === undefined && err.type !== 'access' && err.type !== 'unknown') {
    return { kind: 'bridge-error', ...(message ? { message } : {}) }
  }
  return classifyAnswer(status, details)
}

/** Problems that make the whole console useless until someone fixes DHIS2 or the bridge: shown full screen. */
export function blocksConsole(problem: BridgeProblem): boolean {
  return (
    problem.kind === 'route-missing' ||
    problem.kind === 'route-forbidden' ||
    problem.kind === 'bridge-down' ||
    problem.kind === 'route-secret' ||
    problem.kind === 'user-unknown' ||
    problem.kind === 'route-proof' ||
    problem.kind === 'network'
  )
}
