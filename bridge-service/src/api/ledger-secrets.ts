/**
 * Route secrets and API keys added or revoked in the ledger by `relais secrets` (issue 16 §4), as every API
 * process sees them: read again every few seconds, so a rotation reaches all processes without a restart. The
 * environment's secrets still count; the ledger adds to them and can revoke them.
 */
import type { ApiKeyRole } from '../config/env'
import type { StoredSecret } from '../ledger/bridge-secrets'
import type { Logger } from '../log/logger'

export interface SecretsView {
  /** SHA-256 of route secrets accepted besides the environment's. */
  routeAccepted: ReadonlySet<string>
  /** SHA-256 of route secrets refused, the environment's included. */
  routeRevoked: ReadonlySet<string>
  /** SHA-256 of API keys → the key's name, role and last day. */
  apiKeys: ReadonlyMap<string, { name: string; role: ApiKeyRole; expires?: string }>
  /** Names of API keys refused (the environment's keys of that name too). */
  apiKeysRevoked: ReadonlySet<string>
}

export const NO_SECRETS: SecretsView = {
  routeAccepted: new Set(),
  routeRevoked: new Set(),
  apiKeys: new Map(),
  apiKeysRevoked: new Set(),
}

/** The ledger's entries, oldest first, folded: the last word on a secret (or a key's name) wins. */
export function secretsView(entries: readonly StoredSecret[]): SecretsView {
  const routeAccepted = new Set<string>()
  const routeRevoked = new Set<string>()
  const apiKeys = new Map<string, { name: string; role: ApiKeyRole; expires?: string }>()
  const apiKeysRevoked = new Set<string>()
  for (const entry of entries) {
    if (entry.kind === 'route') {
      if (entry.action === 'accept') {
        routeAccepted.add(entry.hash)
        routeRevoked.delete(entry.hash)
      } else {
        routeRevoked.add(entry.hash)
        routeAccepted.delete(entry.hash)
      }
      continue
    }
    if (entry.action === 'accept') {
      apiKeys.set(entry.hash, {
        name: entry.name,
        role: entry.role as ApiKeyRole,
        ...(entry.expires ? { expires: entry.expires } : {}),
      })
    } else {
      apiKeysRevoked.add(entry.name)
      for (const [hash, key] of apiKeys) if (key.name === entry.name) apiKeys.delete(hash)
    }
  }
  return { routeAccepted, routeRevoked, apiKeys, apiKeysRevoked }
}

/** How often each process reads the ledger's secrets again. */
export const SECRETS_REFRESH_MS = 3_000

export class LedgerSecrets {
  private view: SecretsView = NO_SECRETS
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly read: () => Promise<StoredSecret[]>,
    private readonly logger: Logger,
    private readonly refreshMs = SECRETS_REFRESH_MS,
  ) {}

  /** Reads now, then every `refreshMs`; a failed read keeps the last view (and says so). */
  async start(): Promise<void> {
    await this.refresh()
    this.timer = setInterval(() => void this.refresh(), this.refreshMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  current = (): SecretsView => this.view

  async refresh(): Promise<void> {
    try {
      this.view = secretsView(await this.read())
    } catch (error) {
      this.logger.warn(
        { err: { message: String(error) } },
        'could not read the secrets in the ledger: keeping the last',
      )
    }
  }
}
