/**
 * What the daily security check judges of the bridge itself (issue 16 §2, §4): the environment's API keys and
 * those `relais secrets` added (less those it revoked), by name and last day — never a key —, and whether a
 * rotation of the route secret was left open.
 */
import { secretsView } from '../api/ledger-secrets'
import type { BridgeEnv } from '../config/env'
import type { Db } from '../ledger'
import { bridgeSecretsRepository } from '../ledger/bridge-secrets'
import type { BridgeFacts } from './security-check'

export async function bridgeFacts(
  bridge: Pick<BridgeEnv, 'apiKeys' | 'routeSecretNext'>,
  db: Db,
): Promise<BridgeFacts> {
  const entries = await bridgeSecretsRepository(db).all()
  const view = secretsView(entries)
  const keys = [...bridge.apiKeys.filter((k) => !view.apiKeysRevoked.has(k.name)), ...view.apiKeys.values()].map(
    (k) => ({ name: k.name, ...(k.expires ? { expires: k.expires } : {}) }),
  )
  // Open: two secrets in the environment, or a secret added by `relais secrets route add` and none retired since.
  const lastRoute = entries.filter((e) => e.kind === 'route').pop()
  return { apiKeys: keys, routeSecretRotating: bridge.routeSecretNext !== undefined || lastRoute?.action === 'accept' }
}
