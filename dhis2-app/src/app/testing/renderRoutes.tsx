// Test-only: the one way screen tests render the app — its routes at a path, against a fake DHIS2
// (CustomDataProvider). Each screen's tests build the fake's answers (saisie/testing, dashboard/testing,
// sync/testing); the rendering is here, next to the routes it renders.
import { CustomDataProvider, Provider } from '@dhis2/app-runtime'
import { render } from '@testing-library/react'
import type { ComponentProps, ReactNode } from 'react'
import { MemoryRouter } from 'react-router-dom'
import { memoryQueueStorage } from '../../offline/storage'
import type { QueueStorage } from '../../offline/types'
import { AppRoutes } from '../AppShell'
import { ROUTER_FUTURE } from '../routerFuture'

export type CustomData = ComponentProps<typeof CustomDataProvider>['data']
type JsonValue = Exclude<CustomData[string], (...args: never[]) => unknown>

/** As it comes over the wire (and typed the way CustomDataProvider wants it). */
export const json = (value: unknown): JsonValue => JSON.parse(JSON.stringify(value ?? null)) as JsonValue

export interface RenderRoutesOptions {
  /** The fake DHIS2's answers, by resource. */
  data: CustomData
  /** Where the app opens: « /saisie?pe=202608 ». */
  path: string
  /** The device's waiting queue (default: an empty one in memory). */
  queueStorage?: QueueStorage
  /** The App Platform's config, for screens that build URLs on it (the bridge's route). */
  baseUrl?: string
  /** Contexts a screen's tests set around the routes (the sync console's poll interval). */
  wrap?: (routes: ReactNode) => ReactNode
}

export function renderRoutes(options: RenderRoutesOptions) {
  const routes = (
    <MemoryRouter initialEntries={[options.path]} future={ROUTER_FUTURE}>
      <AppRoutes queueStorage={options.queueStorage ?? memoryQueueStorage()} />
    </MemoryRouter>
  )
  const tree = (
    <CustomDataProvider data={options.data}>{options.wrap ? options.wrap(routes) : routes}</CustomDataProvider>
  )
  return render(
    options.baseUrl === undefined ? (
      tree
    ) : (
      <Provider
        config={{ baseUrl: options.baseUrl, apiVersion: 41 }}
        userInfo={undefined}
        plugin={false}
        parentAlertsAdd={undefined}
        showAlertsInPlugin={false}
      >
        {tree}
      </Provider>
    ),
  )
}
