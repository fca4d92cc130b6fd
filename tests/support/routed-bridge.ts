/**
 * The bridge a screen of the app reaches through DHIS2's route `relais-bridge`, as the browser tests of the sync
 * console, « Sécurité », « Rappels »… need it: `relais serve` with the stand-in's token, a Redis database of the
 * test's own (so that no other test's queues meet its jobs), the route's secret and a pseudonym key; then the route
 * itself, as `relais setup` makes it.
 */
import { createHash } from 'node:crypto'
import { DEMO_BRIDGE_TOKEN } from '@relais/dhis2-standin'
import { createBridgeRoute } from './app-page'
import { startBridge, type BridgeProcess } from './bridge-process'

export interface RoutedBridgeOptions {
  /** The DHIS2 stand-in the app is served by. */
  readonly dhis2Url: string
  /** The test's own Redis database (0–15: each test file that runs a bridge holds one). */
  readonly redisDb: number
  /** The route's secret (X-Relais-Route-Secret): the test may need it to make route proofs. */
  readonly secret: string
  /** relais.config.yaml's text. */
  readonly config: string
  /** More environment (a partner's secret, the national HMIS's account…). */
  readonly env?: Record<string, string>
  /** false: the test makes the route itself (or checks what happens without one). */
  readonly route?: boolean
}

export async function startRoutedBridge(options: RoutedBridgeOptions): Promise<BridgeProcess> {
  const bridge = await startBridge({
    env: {
      DHIS2_URL: options.dhis2Url,
      DHIS2_TOKEN: DEMO_BRIDGE_TOKEN,
      REDIS_URL: `redis://127.0.0.1:6379/${options.redisDb}`,
      RELAIS_ROUTE_SECRET: options.secret,
      // A key of the test's own, never a shared constant: pseudonyms of one test cannot match another's.
      RELAIS_PSEUDONYM_KEY: `pseudonym-key-${createHash('sha256').update(options.secret).digest('hex')}`,
      ...options.env,
    },
    config: options.config,
  })
  if (options.route !== false) {
    const status = await createBridgeRoute(options.dhis2Url, bridge.url, options.secret)
    if (status !== 201) {
      await bridge.stop()
      throw new Error(`DHIS2 did not create the route relais-bridge: HTTP ${status}`)
    }
  }
  return bridge
}
