/**
 * `relais doctor [--json] [--locale fr|en] [--bridge-url URL]` (issue 12 §5): checks a live deployment and says,
 * per check, ok / warning / error, what it found and how to fix it. Exit 0 all ok, 1 warnings only, 2 any error.
 * Reads the bridge's own configuration (the same environment as `relais serve`); changes nothing.
 */
import path from 'node:path'
import { loadEnv } from '../config/env'
import { loadRelaisConfig } from '../config/relais-config'
import { exitCode, type Check } from '../doctor/checks'
import { runDoctor } from '../doctor/gather'
import { parseCli, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { table, toJson } from './table'

export const DOCTOR_USAGE = `Usage: relais doctor [--json] [--locale fr|en] [--bridge-url URL]

Checks a live deployment: DHIS2 reachable and supported, the bridge's credentials and authorities, the metadata
package in place, every code of the mapping specs in DHIS2, the route relais-bridge from end to end, the app, the
analytics' age, DHIS2's clock, Redis, the ledger and its migrations, free disk, the token's expiry.
Exit 0 all ok, 1 warnings only, 2 any error; --json gives {checks: [{id, status, found, fix}]}.`

const MARK: Record<Check['status'], string> = { ok: '✓', warning: '!', error: '✗' }

export async function runDoctorCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCli(argv, {
    json: { type: 'boolean', default: false },
    ...LOCALE_OPTION,
    'bridge-url': { type: 'string' },
    help: { type: 'boolean', default: false },
  })
  if (values.help) {
    io.out(DOCTOR_USAGE)
    return 0
  }
  const locale = localeOf(values)
  const bridge = loadEnv(env)
  const config = loadRelaisConfig(bridge.configPath, env)
  const checks = await runDoctor({
    bridge,
    config: { ...config, baseDir: path.dirname(path.resolve(bridge.configPath)) },
    bridgeUrl: values['bridge-url'] ?? `http://127.0.0.1:${bridge.port}`,
  })
  const code = exitCode(checks)
  if (values.json) {
    io.out(
      toJson({
        checks: checks.map((c) => ({
          id: c.id,
          status: c.status,
          found: c.found[locale],
          fix: c.fix?.[locale] ?? null,
        })),
      }),
    )
    return code
  }
  io.out(
    table(checks, [
      { header: '', value: (c) => MARK[c.status] },
      { header: locale === 'fr' ? 'contrôle' : 'check', value: (c) => c.id },
      { header: locale === 'fr' ? 'constat' : 'found', value: (c) => c.found[locale] },
      { header: locale === 'fr' ? 'que faire' : 'fix', value: (c) => c.fix?.[locale] ?? '' },
    ]),
  )
  const counts = { ok: 0, warning: 0, error: 0 }
  for (const c of checks) counts[c.status]++
  io.out(
    locale === 'fr'
      ? `\n${counts.ok} ok, ${counts.warning} avertissement(s), ${counts.error} erreur(s)`
      : `\n${counts.ok} ok, ${counts.warning} warning(s), ${counts.error} error(s)`,
  )
  return code
}
