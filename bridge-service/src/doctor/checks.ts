/**
 * `relais doctor` (issue 12 §5), the judgement part — pure: facts gathered from DHIS2, the bridge's
 * configuration, Redis, the ledger and the disk (gather.ts) in; one verdict per check out, with what was
 * found and how to fix it, in French and English.
 */
import { judgeVersion, SUPPORTED_TEXT } from '../setup/dhis2-versions'

export type Status = 'ok' | 'warning' | 'error'

export interface Check {
  id: string
  status: Status
  found: { fr: string; en: string }
  fix?: { fr: string; en: string }
}

const t = (fr: string, en: string) => ({ fr, en })

export function dhis2Version(version: string | undefined, error?: string): Check {
  if (version === undefined)
    return {
      id: 'dhis2-reachable',
      status: 'error',
      found: t(`DHIS2 ne répond pas (${error ?? '?'})`, `DHIS2 does not answer (${error ?? '?'})`),
      fix: t('Vérifiez DHIS2_URL et que DHIS2 tourne.', 'Check DHIS2_URL and that DHIS2 is running.'),
    }
  const verdict = judgeVersion(version)
  if (!verdict.supported)
    return {
      id: 'dhis2-reachable',
      status: 'error',
      found: verdict.reason,
      fix: t(
        `Mettez DHIS2 à jour vers une version prise en charge (${SUPPORTED_TEXT}).`,
        `Upgrade DHIS2 to a supported version (${SUPPORTED_TEXT}).`,
      ),
    }
  return { id: 'dhis2-reachable', status: 'ok', found: t(`DHIS2 ${version}`, `DHIS2 ${version}`) }
}

/** What the bridge's account must be able to do: write data values, read users (roles) and metadata. */
export const NEEDED_AUTHORITIES = ['F_DATAVALUE_ADD', 'F_USER_VIEW', 'F_METADATA_EXPORT'] as const

export function credentials(me: { username: string; authorities: string[] } | undefined, error?: string): Check {
  if (!me)
    return {
      id: 'bridge-credentials',
      status: 'error',
      found: t(
        `DHIS2 refuse les identifiants de la passerelle (${error ?? '?'})`,
        `DHIS2 refuses the bridge's credentials (${error ?? '?'})`,
      ),
      fix: t(
        'Vérifiez DHIS2_TOKEN (ou DHIS2_USERNAME/DHIS2_PASSWORD) ; `relais setup` crée un jeton.',
        'Check DHIS2_TOKEN (or DHIS2_USERNAME/DHIS2_PASSWORD); `relais setup` makes a token.',
      ),
    }
  const missing = me.authorities.includes('ALL') ? [] : NEEDED_AUTHORITIES.filter((a) => !me.authorities.includes(a))
  if (missing.length > 0)
    return {
      id: 'bridge-credentials',
      status: 'error',
      found: t(
        `le compte ${me.username} n'a pas ${missing.join(', ')}`,
        `account ${me.username} lacks ${missing.join(', ')}`,
      ),
      fix: t(
        'Donnez-lui le rôle ROLE_PASSERELLE (`relais setup`).',
        'Give it the role ROLE_PASSERELLE (`relais setup`).',
      ),
    }
  return {
    id: 'bridge-credentials',
    status: me.authorities.includes('ALL') ? 'warning' : 'ok',
    found: me.authorities.includes('ALL')
      ? t(`le compte ${me.username} est super-utilisateur`, `account ${me.username} is a superuser`)
      : t(`compte ${me.username}, autorisations suffisantes`, `account ${me.username}, enough authorities`),
    ...(me.authorities.includes('ALL')
      ? {
          fix: t(
            'Utilisez un compte de service avec ROLE_PASSERELLE seulement (`relais setup`).',
            'Use a service account with ROLE_PASSERELLE only (`relais setup`).',
          ),
        }
      : {}),
  }
}

export function metadataPackage(version: string, missing: string[], outdated: string[]): Check {
  if (missing.length > 0)
    return {
      id: 'metadata-package',
      status: 'error',
      found: t(
        `${missing.length} objet(s) du paquet ${version} absents de DHIS2 : ${missing.slice(0, 5).join(', ')}`,
        `${missing.length} object(s) of package ${version} missing in DHIS2: ${missing.slice(0, 5).join(', ')}`,
      ),
      fix: t('Lancez `relais setup`.', 'Run `relais setup`.'),
    }
  if (outdated.length > 0)
    return {
      id: 'metadata-package',
      status: 'warning',
      found: t(
        `${outdated.length} objet(s) diffèrent du paquet ${version} : ${outdated.slice(0, 5).join(', ')}`,
        `${outdated.length} object(s) differ from package ${version}: ${outdated.slice(0, 5).join(', ')}`,
      ),
      fix: t('Lancez `relais setup` (ou `--dry-run` pour voir).', 'Run `relais setup` (or `--dry-run` to see).'),
    }
  return { id: 'metadata-package', status: 'ok', found: t(`paquet ${version} en place`, `package ${version} in place`) }
}

/** One spec problem against DHIS2's metadata, as `relais mappings validate` words it. */
export interface DriftItem {
  source: string
  message: { fr: string; en: string }
}

export function mappingDrift(findings: DriftItem[], error?: string): Check {
  if (error)
    return {
      id: 'mapping-drift',
      status: 'error',
      found: t(`métadonnées illisibles : ${error}`, `metadata unreadable: ${error}`),
      fix: t('Vérifiez les autorisations de la passerelle.', "Check the bridge's authorities."),
    }
  if (findings.length > 0) {
    // The same problem is often found twice (one alias, two spellings): say each once.
    const list = (locale: 'fr' | 'en') =>
      [...new Set(findings.map((f) => `${f.source} : ${f.message[locale]}`))].slice(0, 5).join(' ; ')
    return {
      id: 'mapping-drift',
      status: 'error',
      found: t(
        `${findings.length} problème(s) des spécifications face à DHIS2 — ${list('fr')}`,
        `${findings.length} problem(s) of the specs against DHIS2 — ${list('en')}`,
      ),
      fix: t(
        'Importez ce qui manque (`relais setup`, `relais roster import`) ou corrigez la spécification (`relais mappings validate`).',
        'Import what is missing (`relais setup`, `relais roster import`) or fix the spec (`relais mappings validate`).',
      ),
    }
  }
  return {
    id: 'mapping-drift',
    status: 'ok',
    found: t('chaque code des spécifications existe', 'every code the specs use exists'),
  }
}

export function route(
  found: { url: string } | undefined,
  roundTrip: { status?: number; error?: string; reason?: string },
  expectedUrl: string,
): Check {
  if (!found)
    return {
      id: 'route',
      status: 'error',
      found: t(
        'la route relais-bridge est absente (ou invisible pour le compte de la passerelle)',
        "the route relais-bridge is missing (or not visible to the bridge's account)",
      ),
      fix: t('Lancez `relais setup`.', 'Run `relais setup`.'),
    }
  const where = found.url.replace(/\/\*\*$/, '')
  // Past the secret: answered, refused for the user (no proof, no role), all mean DHIS2 reached the bridge.
  const secretAccepted =
    roundTrip.status === 200 ||
    roundTrip.status === 403 ||
    (roundTrip.status === 401 && roundTrip.reason !== 'route-secret' && roundTrip.reason !== undefined)
  if (secretAccepted)
    return where === expectedUrl.replace(/\/+$/, '')
      ? {
          id: 'route',
          status: 'ok',
          found: t(`route → ${where}, aller-retour réussi`, `route → ${where}, round trip ok`),
        }
      : {
          id: 'route',
          status: 'warning',
          found: t(`la route mène à ${where}, pas à ${expectedUrl}`, `the route leads to ${where}, not ${expectedUrl}`),
          fix: t('Lancez `relais setup --bridge-url …`.', 'Run `relais setup --bridge-url …`.'),
        }
  if (roundTrip.status === 401 && roundTrip.reason === 'route-secret')
    return {
      id: 'route',
      status: 'error',
      found: t(
        `la passerelle refuse la route (${roundTrip.reason ?? '401'})`,
        `the bridge refuses the route (${roundTrip.reason ?? '401'})`,
      ),
      fix: t(
        'Le secret de la route diffère de RELAIS_ROUTE_SECRET : relancez `relais setup`.',
        'The route secret differs from RELAIS_ROUTE_SECRET: run `relais setup` again.',
      ),
    }
  return {
    id: 'route',
    status: 'warning',
    found: t(
      `route → ${where}, mais la passerelle ne répond pas (${roundTrip.status ?? roundTrip.error ?? '?'})`,
      `route → ${where}, but the bridge does not answer (${roundTrip.status ?? roundTrip.error ?? '?'})`,
    ),
    fix: t(
      'Démarrez `relais serve` et vérifiez que DHIS2 peut l’atteindre.',
      'Start `relais serve` and check DHIS2 can reach it.',
    ),
  }
}

export function app(version: string | undefined): Check {
  return version === undefined
    ? {
        id: 'app',
        status: 'error',
        found: t("l'application Relais n'est pas installée", 'the Relais app is not installed'),
        fix: t('Lancez `relais setup` (sans --no-app).', 'Run `relais setup` (without --no-app).'),
      }
    : { id: 'app', status: 'ok', found: t(`application relais ${version}`, `app relais ${version}`) }
}

const DAY = 86_400_000

export function analytics(lastSuccess: Date | undefined, now: Date): Check {
  if (!lastSuccess)
    return {
      id: 'analytics',
      status: 'warning',
      found: t("les tables d'analyse n'ont jamais été générées", 'the analytics tables were never generated'),
      fix: t(
        "Planifiez l'export analytique (au moins chaque semaine) dans DHIS2.",
        'Schedule the analytics table job (at least weekly) in DHIS2.',
      ),
    }
  const days = Math.floor((now.getTime() - lastSuccess.getTime()) / DAY)
  return days > 7
    ? {
        id: 'analytics',
        status: 'warning',
        found: t(`dernière génération il y a ${days} jours`, `last generated ${days} days ago`),
        fix: t('Les tableaux de bord doivent être actualisés chaque semaine.', 'Dashboards must be refreshed weekly.'),
      }
    : { id: 'analytics', status: 'ok', found: t(`générées il y a ${days} jour(s)`, `generated ${days} day(s) ago`) }
}

export function clock(offsetMs: number | undefined): Check {
  if (offsetMs === undefined)
    return { id: 'clock', status: 'warning', found: t("l'heure de DHIS2 est inconnue", "DHIS2's time is unknown") }
  const seconds = Math.round(Math.abs(offsetMs) / 1000)
  const found = t(`écart d'horloge avec DHIS2 : ${seconds} s`, `clock difference with DHIS2: ${seconds} s`)
  const fix = t(
    'Synchronisez les horloges (NTP) : les règles de période en dépendent.',
    'Synchronise the clocks (NTP): the period rules depend on them.',
  )
  if (seconds > 300) return { id: 'clock', status: 'error', found, fix }
  if (seconds > 60) return { id: 'clock', status: 'warning', found, fix }
  return { id: 'clock', status: 'ok', found }
}

export function redis(error: string | undefined): Check {
  return error
    ? {
        id: 'redis',
        status: 'error',
        found: t(`Redis ne répond pas (${error})`, `Redis does not answer (${error})`),
        fix: t('Vérifiez REDIS_URL et que Redis tourne.', 'Check REDIS_URL and that Redis is running.'),
      }
    : { id: 'redis', status: 'ok', found: t('Redis répond', 'Redis answers') }
}

export function ledger(applied: number | undefined, known: number, error?: string): Check {
  if (applied === undefined)
    return {
      id: 'ledger',
      status: 'error',
      found: t(`le registre est inaccessible (${error ?? '?'})`, `the ledger is unreachable (${error ?? '?'})`),
      fix: t('Vérifiez DATABASE_URL (ou RELAIS_DATA_DIR).', 'Check DATABASE_URL (or RELAIS_DATA_DIR).'),
    }
  return applied < known
    ? {
        id: 'ledger',
        status: 'error',
        found: t(`${known - applied} migration(s) en attente`, `${known - applied} migration(s) pending`),
        fix: t('Lancez `relais migrate`.', 'Run `relais migrate`.'),
      }
    : {
        id: 'ledger',
        status: 'ok',
        found: t(`registre à jour (${applied} migrations)`, `ledger current (${applied} migrations)`),
      }
}

const MB = 1024 * 1024

export function disk(freeBytes: number | undefined, dir: string): Check {
  if (freeBytes === undefined)
    return { id: 'disk', status: 'warning', found: t(`${dir} illisible`, `${dir} unreadable`) }
  const found = t(
    `${Math.round(freeBytes / MB)} Mo libres sous ${dir}`,
    `${Math.round(freeBytes / MB)} MB free under ${dir}`,
  )
  const fix = t('Libérez de la place ou agrandissez le disque.', 'Free some space or grow the disk.')
  if (freeBytes < 200 * MB) return { id: 'disk', status: 'error', found, fix }
  if (freeBytes < 1024 * MB) return { id: 'disk', status: 'warning', found, fix }
  return { id: 'disk', status: 'ok', found }
}

export function tokenExpiry(expiries: number[] | undefined, now: Date): Check {
  if (expiries === undefined)
    return { id: 'token', status: 'ok', found: t('pas de jeton (identifiants)', 'no token (username and password)') }
  if (expiries.length === 0)
    return { id: 'token', status: 'ok', found: t('jeton sans expiration connue', 'token without a known expiry') }
  const days = Math.floor((Math.min(...expiries) - now.getTime()) / DAY)
  const found = t(`le jeton expire dans ${days} jour(s)`, `the token expires in ${days} day(s)`)
  const fix = t('Créez un nouveau jeton et mettez-le dans DHIS2_TOKEN.', 'Make a new token and put it in DHIS2_TOKEN.')
  if (days < 7) return { id: 'token', status: 'error', found, fix }
  if (days < 30) return { id: 'token', status: 'warning', found, fix }
  return { id: 'token', status: 'ok', found }
}

/** 0 all ok, 1 warnings only, 2 any error. */
export function exitCode(checks: readonly Check[]): number {
  if (checks.some((c) => c.status === 'error')) return 2
  return checks.some((c) => c.status === 'warning') ? 1 : 0
}
