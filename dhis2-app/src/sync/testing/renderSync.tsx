// Test-only: a fake DHIS2 whose route relais-bridge leads to a FakeBridge, and the app rendered against it at
// #/synchronisation; `baseUrl` points raw uploads at a real local HTTP server.
import * as contract from '@relais/bridge-service/src/api/contract'
import * as outboundContract from '@relais/bridge-service/src/api/contract-outbound'
import * as hmisContract from '@relais/bridge-service/src/api/contract-hmis'
import { renderRoutes, type CustomData } from '../../app/testing/renderRoutes'
import type { CurrentUser } from '../../shared/currentUser'
import { PROOF_NAMESPACE, PROOF_PARAM } from '../../shared/bridge/routeProof'
import { BridgeSettingsContext } from '../../shared/bridge/useBridge'
import { MANAGER } from '../../shared/testing/users'
import { FakeBridge, ROUTE_PREFIX } from './fakeBridge'

/** Lists the way the bridge pages them (built once: each is a named schema of zod's registry). */
const LISTS = {
  sources: contract.pagedOf('TestSourceList', contract.SourceSchema),
  runs: contract.pagedOf('TestRunList', contract.RunListItem),
  records: contract.pagedOf('TestRecordList', contract.RecordSummarySchema),
}

/** The bridge's schema of the answer to a call (bridge-service/src/api/contract.ts). */
function contractOf(type: string, path: string): { parse: (value: unknown) => unknown } | undefined {
  const parts = path.split('/')
  if (type === 'read') {
    if (path === 'sources') return LISTS.sources
    if (path === 'runs') return LISTS.runs
    if (parts[0] === 'runs' && parts.length === 2) return contract.RunDetail
    if (parts[0] === 'runs' && parts[2] === 'diff') return contract.RunDiffSchema
    if (path === 'records' || path === 'quarantine') return LISTS.records
    if (parts[0] === 'records' && parts.length === 2) return contract.RecordDetail
    if (path === 'outbound') return outboundContract.OutboundDeliveryList
    if (path === 'hmis/pushes') return hmisContract.HmisPushList
    if (parts[0] === 'hmis' && parts[1] === 'pushes' && parts.length === 3) return hmisContract.HmisReportSchema
  }
  if (type === 'create') {
    if (path === 'quarantine/bulk') return contract.BulkResult
    if (parts[0] === 'records' && parts[2] === 'uncomplete') return contract.UncompleteResult
    if (parts[2] === 'release') return contract.ReleaseResult
    if (parts[2] === 'preview') return contract.ReleasePreviewSchema
    if (parts[2] === 'discard') return contract.DiscardResult
    if (parts[0] === 'outbound' && parts[2] === 'retry') return outboundContract.OutboundDeliverySchema
    if (path === 'hmis/pushes') return hmisContract.HmisPushSchema
  }
  return undefined
}
type Resolver = Extract<CustomData[string], (...args: never[]) => unknown>

export { ADMIN, MANAGER, SUPERVISOR } from '../../shared/testing/users'

/** DHIS2's date in these tests (system/info `serverDate`). */
export const SERVER_DATE = '2026-11-20T10:00:00.000'

export interface RenderSyncOptions {
  user?: CurrentUser
  bridge?: FakeBridge
  /** Query of #/synchronisation, e.g. `view=quarantine`. */
  query?: string
  /** The DHIS2 base URL in the app's config (raw uploads go there); the data engine calls stay fake. */
  baseUrl?: string
  pollMs?: number
}

export function renderSync(options: RenderSyncOptions = {}) {
  const bridge = options.bridge ?? new FakeBridge()
  const user = options.user ?? MANAGER
  // Every resource of the route goes to the fake bridge (the engine looks resources up by name).
  const data = new Proxy({} as CustomData, {
    get(_target, resource) {
      if (resource === 'me') return (async () => JSON.parse(JSON.stringify(user))) as Resolver
      // Names of the values a table shows (views/useValueNames.ts): this DHIS2 has none, the uids are shown.
      if (resource === 'dataElements') return (async () => ({ dataElements: [] })) as Resolver
      if (resource === 'categoryOptionCombos') return (async () => ({ categoryOptionCombos: [] })) as Resolver
      if (resource === 'organisationUnits') return (async () => ({ organisationUnits: [] })) as Resolver
      // DHIS2's clock, server-local (the national HMIS view offers the months before it).
      if (resource === 'system/info') return (async () => ({ serverDate: SERVER_DATE })) as Resolver
      // The route proofs the app writes in DHIS2's data store (api/routeProof.ts), kept by the fake bridge.
      if (typeof resource === 'string' && resource.startsWith(`dataStore/${PROOF_NAMESPACE}`)) {
        const resolver: Resolver = async (type, query) => {
          bridge.proofWritten(type, type === 'delete' ? String(query.id) : resource.split('/')[2]!)
          return {}
        }
        return resolver
      }
      if (typeof resource === 'string' && resource.startsWith(ROUTE_PREFIX)) {
        const resolver: Resolver = async (type, query) => {
          const { [PROOF_PARAM]: proof, ...params } = (query.params ?? {}) as Record<string, unknown>
          bridge.checkProof(proof)
          const path = resource.slice(ROUTE_PREFIX.length)
          const answer = bridge.handle({ type, path, params, data: query.data })
          // The fake answers what the bridge's own schemas allow: a fake that drifts from the contract fails here.
          contractOf(type, path)?.parse(answer)
          // As over the wire: a copy, never the fake's own objects.
          return JSON.parse(JSON.stringify(answer)) as Awaited<ReturnType<Resolver>>
        }
        return resolver
      }
      return undefined
    },
  })
  const path = `/synchronisation${options.query ? `?${options.query}` : ''}`
  const view = renderRoutes({
    data,
    path,
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:9',
    wrap: (routes) => (
      <BridgeSettingsContext.Provider value={{ pollMs: options.pollMs ?? 20 }}>{routes}</BridgeSettingsContext.Provider>
    ),
  })
  return { ...view, bridge }
}
