/**
 * `relais secrets` (issue 16 §4): route secrets and API keys changed without restarting the bridge. A new
 * secret is printed once and kept in the ledger as its SHA-256 only; every running bridge reads the ledger's
 * secrets again every few seconds (api/ledger-secrets.ts), so it is accepted by all of them at once.
 *
 *   relais secrets route add              a new route secret, accepted besides the current one
 *   relais secrets route retire           refuse every route secret of RELAIS_ROUTE_SECRET but its last
 *   relais secrets api-key add <name> --role <role> [--expires YYYY-MM-DD]
 *   relais secrets api-key revoke <name>  refuse the key of that name (the environment's too)
 *   relais secrets list [--json]          what the ledger holds (names, roles, days; never a value)
 *   relais secrets rotate [--locale fr|en] [--json]
 *                                         where each secret stands and the next step of its rotation
 */
import { randomBytes } from 'node:crypto'
import { userInfo } from 'node:os'
import { API_KEY_ROLES, loadEnv } from '../config/env'
import { openLedger, repositories } from '../ledger'
import { bridgeSecretsRepository, secretHash } from '../ledger/bridge-secrets'
import { SECRETS_REFRESH_MS, secretsView } from '../api/ledger-secrets'
import { loadRelaisConfig, webhookSecrets } from '../config/relais-config'
import { DEFAULT_POLICY } from '../security/policy'
import { rotationGuide } from '../security/rotation-guide'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'

export const SECRETS_USAGE = `Usage:
  relais secrets route add               a new route secret, accepted by every running bridge within ${SECRETS_REFRESH_MS / 1000} s
  relais secrets route retire            refuse the route secrets of RELAIS_ROUTE_SECRET but its last one
  relais secrets api-key add <name> --role <role> [--expires YYYY-MM-DD]
  relais secrets api-key revoke <name>   refuse that key (an environment key of that name too)
  relais secrets list [--json]
  relais secrets rotate [--locale fr|en] [--json]   where each secret stands, and the next step of its rotation`

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/

/** The webhook sources of RELAIS_CONFIG and how many secrets each variable holds (none when there is no file). */
function webhooksOf(env: NodeJS.ProcessEnv): Array<{ source: string; env: string; values: number }> {
  let config
  try {
    config = loadRelaisConfig(env.RELAIS_CONFIG ?? './relais.config.yaml', env)
  } catch {
    return []
  }
  return config.sources.flatMap((source) =>
    source.kind === 'webhook'
      ? [{ source: source.name, env: source.secretEnv, values: webhookSecrets(env[source.secretEnv] ?? '').length }]
      : [],
  )
}

/** Who ran it, for the audit log: the OS account (the CLI has no DHIS2 user). */
const operator = () => `cli:${userInfo().username}`

export async function runSecretsCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    role: { type: 'string' },
    expires: { type: 'string' },
    json: { type: 'boolean' },
    ...LOCALE_OPTION,
    help: { type: 'boolean' },
  })
  if (values.help || positionals.length === 0) {
    io.out(SECRETS_USAGE)
    return values.help ? 0 : 2
  }
  const [kind, verb, name] = positionals
  const bridge = loadEnv(env)
  const db = await openLedger({ database: bridge.database, throughRunningBridge: true })
  const repo = bridgeSecretsRepository(db)
  const audit = (action: string, target: string, detail: unknown = null) =>
    repositories(db).audit.append({ actor: operator(), role: 'system', action, target, detail })
  try {
    if (kind === 'rotate') {
      const entries = await repo.all()
      const view = secretsView(entries)
      const lastRouteAdd = entries
        .filter((e) => e.kind === 'route' && e.action === 'accept' && view.routeAccepted.has(e.hash))
        .pop()
      const items = rotationGuide({
        today: new Date().toISOString().slice(0, 10),
        routeSecrets: [bridge.routeSecret, ...(bridge.routeSecretNext ? [bridge.routeSecretNext] : [])].map(secretHash),
        ...(lastRouteAdd ? { routeAddedAt: lastRouteAdd.createdAt.toISOString().slice(0, 10) } : {}),
        view,
        envKeys: bridge.apiKeys,
        webhooks: webhooksOf(env),
        warnDays: DEFAULT_POLICY.tokenWarnDays,
      })
      if (values.json) {
        io.out(JSON.stringify(items))
        return 0
      }
      const fr = localeOf(values) === 'fr'
      for (const item of items) {
        io.out(`${item.secret}${fr ? ' : ' : ': '}${fr ? item.state.fr : item.state.en}`)
        item.next.forEach((step, i) => io.out(`  ${i + 1}. ${fr ? step.fr : step.en}`))
      }
      io.out(
        fr
          ? 'Chaque étape est inscrite au journal d’audit ; la procédure complète : docker/README.md, « Rotating secrets ».'
          : 'Every step is in the audit log; the whole procedure: docker/README.md, "Rotating secrets".',
      )
      return 0
    }
    if (kind === 'list') {
      const all = await repo.all()
      const rows = all.map((s) => ({
        kind: s.kind,
        name: s.name,
        role: s.role,
        expires: s.expires,
        action: s.action,
        at: s.createdAt.toISOString(),
        by: s.createdBy,
      }))
      if (values.json) io.out(JSON.stringify(rows))
      else if (rows.length === 0) io.out('No secret in the ledger: the environment alone decides.')
      else
        for (const r of rows)
          io.out(
            `${r.at}  ${r.action.padEnd(6)}  ${r.kind.padEnd(7)}  ${r.name}${r.role ? ` (${r.role})` : ''}${r.expires ? `, until ${r.expires}` : ''}  by ${r.by}`,
          )
      return 0
    }
    if (kind === 'route' && verb === 'add') {
      const secret = randomBytes(32).toString('hex')
      await repo.add({
        kind: 'route',
        name: 'route',
        role: null,
        hash: secretHash(secret),
        expires: null,
        action: 'accept',
        createdBy: operator(),
      })
      await audit('secrets.route.add', 'route:relais-bridge')
      io.out(
        [
          `New route secret (shown once, kept nowhere): ${secret}`,
          `Every running bridge accepts it within ${SECRETS_REFRESH_MS / 1000} s, as well as the current one. Then:`,
          `  1. put it in DHIS2's route: RELAIS_ROUTE_SECRET=<current>,<new> relais setup --no-app (setup uses the last)`,
          '  2. write RELAIS_ROUTE_SECRET=<new> where the bridge reads its environment (for its next start)',
          '  3. refuse the old one now: RELAIS_ROUTE_SECRET=<current>,<new> relais secrets route retire',
        ].join('\n'),
      )
      return 0
    }
    if (kind === 'route' && verb === 'retire') {
      const all = [bridge.routeSecret, ...(bridge.routeSecretNext ? [bridge.routeSecretNext] : [])]
      if (all.length < 2)
        throw new UsageError(
          'give RELAIS_ROUTE_SECRET=<old>,<new> for this command: every secret but the last is retired',
        )
      for (const old of all.slice(0, -1))
        await repo.add({
          kind: 'route',
          name: 'route',
          role: null,
          hash: secretHash(old),
          expires: null,
          action: 'revoke',
          createdBy: operator(),
        })
      await audit('secrets.route.retire', 'route:relais-bridge', { retired: all.length - 1 })
      io.out(
        `Retired ${all.length - 1} route secret(s): running bridges refuse them within ${SECRETS_REFRESH_MS / 1000} s.`,
      )
      return 0
    }
    if (kind === 'api-key' && (verb === 'add' || verb === 'revoke')) {
      if (!name || !NAME.test(name))
        throw new UsageError('give the key a name of 1 to 31 letters, digits, ".", "_" or "-"')
      if (verb === 'revoke') {
        await repo.add({
          kind: 'api-key',
          name,
          role: null,
          hash: secretHash(name),
          expires: null,
          action: 'revoke',
          createdBy: operator(),
        })
        await audit('secrets.api-key.revoke', `api-key:${name}`)
        io.out(`API key ${name} refused by every running bridge within ${SECRETS_REFRESH_MS / 1000} s.`)
        return 0
      }
      const role = API_KEY_ROLES.find((r) => r === values.role)
      if (!role) throw new UsageError(`--role must be one of ${API_KEY_ROLES.join(', ')}`)
      const expires = values.expires
      if (expires !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(expires) && !Number.isNaN(Date.parse(expires))))
        throw new UsageError("--expires must be the key's last day, YYYY-MM-DD")
      const key = randomBytes(32).toString('hex')
      await repo.add({
        kind: 'api-key',
        name,
        role,
        hash: secretHash(key),
        expires: expires ?? null,
        action: 'accept',
        createdBy: operator(),
      })
      await audit('secrets.api-key.add', `api-key:${name}`, { role, expires: expires ?? null })
      io.out(
        [
          `New API key ${name} (${role}${expires ? `, until ${expires}` : ', no expiry: give one with --expires'}), shown once, kept nowhere:`,
          key,
          `Every running bridge accepts it within ${SECRETS_REFRESH_MS / 1000} s. Move the client to it, then: relais secrets api-key revoke <old name>`,
        ].join('\n'),
      )
      return 0
    }
    throw new UsageError(`unknown secrets command "${positionals.join(' ')}"\n${SECRETS_USAGE}`)
  } finally {
    await db.close()
  }
}
