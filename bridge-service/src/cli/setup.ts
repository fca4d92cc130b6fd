/**
 * `relais setup [--dry-run] [--no-app] [--app <zip>] [--bridge-url URL] [--json] [--locale fr|en]`
 * (issue 12 §3; the work is setup/setup.ts). The superuser's DHIS2_USERNAME / DHIS2_PASSWORD serve this
 * command only and are never written anywhere. What it did goes to the ledger's audit log.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../config/env'
import { basicAuthorization, Dhis2Admin } from '../setup/admin-client'
import {
  RouteUrlRefusedError,
  runSetup,
  SetupRefusedError,
  UnsupportedVersionError,
  type ImportProblem,
  type SetupReport,
} from '../setup/setup'
import { renewBy } from '../setup/service-password'
import { parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { cliActor } from './context'
import { lazy } from './lazy'
import { table, toJson } from './table'

export const SETUP_USAGE = `Usage: relais setup [--dry-run] [--no-app] [--app <zip>] [--bridge-url URL] [--json] [--locale fr|en]

Brings DHIS2 to what Relais needs: the metadata package (created / updated / unchanged per type), the bridge's
service user and its token (printed once), the route relais-bridge, the app, the dataStore defaults,
DHIS2's analytics job when none runs at least weekly (nightly at 02:00), DHIS2's help desk recipients, and
DHIS2's account controls (password expiry 3 months with a reminder 14 days before, minimum length 10, lock after
4 failed sign-ins), renewing the service account's password in its last month. --dry-run shows all of it first.
Environment: DHIS2_URL, DHIS2_USERNAME and DHIS2_PASSWORD (a superuser, for this command only),
RELAIS_ROUTE_SECRET; RELAIS_SERVICE_USER (default relais-passerelle).
Exit 0 when DHIS2 ends as the package says, 2 when DHIS2 refuses it or the version is not supported.`

const ROOT = join(__dirname, '..', '..', '..')

/** The newest app bundle the build made (dhis2-app/build/bundle/relais-<version>.zip). */
function builtAppZip(): string | undefined {
  const dir = join(ROOT, 'dhis2-app', 'build', 'bundle')
  if (!existsSync(dir)) return undefined
  const zips = readdirSync(dir)
    .filter((f) => /^relais-.*\.zip$/.test(f))
    .sort()
  return zips.length > 0 ? join(dir, zips[zips.length - 1]!) : undefined
}

function required(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name]
  if (!value) throw new ConfigError([{ variable: name, message: `${name} is required: ${why}` }])
  return value
}

const TYPE_NAMES: Record<string, [fr: string, en: string]> = {
  categoryOptions: ['options de catégorie', 'category options'],
  categories: ['catégories', 'categories'],
  categoryCombos: ['combinaisons de catégories', 'category combos'],
  categoryOptionCombos: ["combinaisons d'options", 'category option combos'],
  optionSets: ["ensembles d'options", 'option sets'],
  options: ['options', 'options'],
  dataElements: ['éléments de données', 'data elements'],
  dataSets: ['ensembles de données', 'data sets'],
  sections: ['sections', 'sections'],
  programs: ['programmes', 'programs'],
  programStages: ['étapes de programme', 'program stages'],
  indicatorTypes: ["types d'indicateur", 'indicator types'],
  indicators: ['indicateurs', 'indicators'],
  validationRules: ['règles de validation', 'validation rules'],
  validationRuleGroups: ['groupes de règles', 'validation rule groups'],
  organisationUnitLevels: ["niveaux d'unités", 'org unit levels'],
  organisationUnitGroups: ["groupes d'unités", 'org unit groups'],
  organisationUnitGroupSets: ["ensembles de groupes d'unités", 'org unit group sets'],
  userGroups: "groupes d'utilisateurs|user groups".split('|') as [string, string],
  userRoles: ["rôles d'utilisateur", 'user roles'],
  users: ['utilisateurs', 'users'],
}

export function describeProblem(problem: ImportProblem, locale: 'fr' | 'en'): string {
  const [fr, en] = TYPE_NAMES[problem.type] ?? [problem.type, problem.type]
  const what = `${locale === 'fr' ? fr : en} ${problem.code ?? ''}${problem.uid ? ` [${problem.uid}]` : ''}`.trim()
  const property = problem.property
    ? locale === 'fr'
      ? ` — propriété « ${problem.property} »`
      : ` — property "${problem.property}"`
    : ''
  return `${what}${property}${locale === 'fr' ? ' : ' : ': '}${problem.message}${problem.errorCode ? ` (${problem.errorCode})` : ''}`
}

function render(report: SetupReport, locale: 'fr' | 'en'): string {
  const fr = locale === 'fr'
  const lines: string[] = []
  lines.push(
    fr
      ? `DHIS2 ${report.dhis2Version} — paquet de métadonnées ${report.packageVersion}${report.dryRun ? ' (essai : rien n’est écrit)' : ''}`
      : `DHIS2 ${report.dhis2Version} — metadata package ${report.packageVersion}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
  )
  const rows = Object.entries(report.types).map(([type, t]) => ({ type, ...t }))
  lines.push(
    table(rows, [
      { header: 'type', value: (r) => TYPE_NAMES[r.type]?.[fr ? 0 : 1] ?? r.type },
      { header: fr ? 'créés' : 'created', value: (r) => r.created },
      { header: fr ? 'mis à jour' : 'updated', value: (r) => r.updated },
      { header: fr ? 'inchangés' : 'unchanged', value: (r) => r.unchanged },
    ]),
  )
  for (const [type, t] of Object.entries(report.types))
    for (const change of t.changes.filter((c) => c.action === 'update'))
      lines.push(`  ${TYPE_NAMES[type]?.[fr ? 0 : 1] ?? type} ${change.code}: ${(change.fields ?? []).join(', ')}`)
  const outcome = (o: string) =>
    fr
      ? ({
          created: 'créé',
          updated: 'mis à jour',
          unchanged: 'inchangé',
          installed: 'installée',
          skipped: 'non demandée',
        }[o] ?? o)
      : o
  lines.push(
    `${fr ? 'Compte de la passerelle' : 'Bridge service account'} ${report.serviceUser.username}: ${outcome(report.serviceUser.outcome)}`,
  )
  const granted = report.serviceDataAccess.granted
  lines.push(
    granted.length === 0
      ? fr
        ? '  Saisie des données du programme : déjà partagée avec ce compte'
        : "  Data entry on the programme's data: already shared with this account"
      : fr
        ? `  Saisie des données partagée avec ce compte${report.dryRun ? ' (à faire)' : ''} : ${granted.join(', ')}`
        : `  Data entry shared with this account${report.dryRun ? ' (to do)' : ''}: ${granted.join(', ')}`,
  )
  lines.push(`${fr ? 'Route' : 'Route'} relais-bridge → ${report.route.url}: ${outcome(report.route.outcome)}`)
  lines.push(
    `${fr ? 'Application' : 'App'} relais: ${outcome(report.app.outcome)}${report.app.version ? ` ${report.app.version}` : ''}${report.app.previous ? ` (${fr ? 'avant' : 'was'} ${report.app.previous})` : ''}`,
  )
  for (const entry of report.dataStore) lines.push(`dataStore ${entry.key}: ${outcome(entry.outcome)}`)
  lines.push(
    `${fr ? 'Destinataires des demandes d’aide (feedback)' : 'Help desk (feedback) recipients'}: ${report.feedbackRecipients.group}, ${outcome(report.feedbackRecipients.outcome)}`,
  )
  lines.push(
    `${fr ? "Tâche d'analyse de DHIS2" : "DHIS2's analytics job"} « ${report.analyticsJob.name} » (${report.analyticsJob.cron}): ${outcome(report.analyticsJob.outcome)}`,
  )
  lines.push(...renderSecurity(report, fr))
  if (report.token)
    lines.push(
      fr
        ? `\nJeton de la passerelle (affiché une seule fois, expire le ${report.token.expires.slice(0, 10)}) — mettez-le dans DHIS2_TOKEN :\n${report.token.key}`
        : `\nThe bridge's token (shown once, expires ${report.token.expires.slice(0, 10)}) — put it in DHIS2_TOKEN:\n${report.token.key}`,
    )
  lines.push(
    report.changed === 0
      ? fr
        ? 'Rien à changer : DHIS2 est comme le paquet le décrit.'
        : 'Nothing to change: DHIS2 is as the package says.'
      : fr
        ? `${report.changed} changement(s)${report.dryRun ? ' à faire' : ''}.`
        : `${report.changed} change(s)${report.dryRun ? ' to make' : ''}.`,
  )
  return lines.join('\n')
}

const SETTING_NAMES: Record<string, [fr: string, en: string]> = {
  credentialsExpires: ['expiration des mots de passe (mois)', 'password expiry (months)'],
  credentialsExpiryAlert: ['courriel avant l’expiration', 'e-mail before the expiry'],
  credentialsExpiresReminderInDays: ['premier rappel (jours avant)', 'first reminder (days before)'],
  minPasswordLength: ['longueur minimale du mot de passe', 'minimum password length'],
  keyLockMultipleFailedLogins: ['verrouillage après 4 échecs (15 min)', 'lock after 4 failed sign-ins (15 min)'],
}

/** DHIS2's account controls, one line each, then what they mean for the service account and the operator. */
export function renderSecurity(report: SetupReport, fr: boolean): string[] {
  const { security } = report
  const lines = [
    fr ? 'Sécurité des comptes (paramètres système de DHIS2) :' : 'Account security (DHIS2 system settings):',
  ]
  const shown = (v: number | boolean) =>
    typeof v === 'boolean' ? (fr ? (v ? 'oui' : 'non') : v ? 'yes' : 'no') : String(v)
  const noWayOut = fr
    ? `DHIS2 ${report.dhis2Version} ne permet pas à une personne dont le mot de passe a expiré d’en choisir un nouveau ` +
      `(DHIS2-21120) : elle resterait bloquée. Installez DHIS2 2.41.10, 2.42.6 ou plus récent, puis relancez.`
    : `DHIS2 ${report.dhis2Version} gives a person whose password expired no way to choose a new one (DHIS2-21120): ` +
      `they would stay locked out. Install DHIS2 2.41.10, 2.42.6 or later, then run again.`
  for (const change of security.settings) {
    const [nameFr, nameEn] = SETTING_NAMES[change.key] ?? [change.key, change.key]
    const what = `  ${change.key} — ${fr ? nameFr : nameEn}`
    if (change.outcome === 'set')
      lines.push(
        `${what}${fr ? ' : ' : ': '}${shown(change.current)} → ${shown(change.value)}${report.dryRun ? (fr ? ' (à faire)' : ' (to do)') : ''}`,
      )
    else if (change.outcome === 'unchanged')
      lines.push(`${what}${fr ? ' : ' : ': '}${shown(change.value)}, ${fr ? 'inchangé' : 'unchanged'}`)
    else lines.push(`${what}${fr ? ' : non appliqué — ' : ': withheld — '}${noWayOut}`)
  }
  const expiry = security.settings.find((s) => s.key === 'credentialsExpires')
  if (expiry && expiry.outcome !== 'withheld' && Number(expiry.value) > 0 && security.expiredPasswordChange === 'none')
    lines.push(`  ${fr ? 'Attention' : 'Warning'}: ${noWayOut}`)
  const service = security.servicePassword
  if (service.outcome !== 'not-needed' && service.expires) {
    const expires = service.expires.slice(0, 10)
    const by = renewBy(service.expires)
    lines.push(
      fr
        ? `  Compte de service ${report.serviceUser.username} : ${service.outcome === 'rotated' ? `nouveau mot de passe (jamais affiché, le jeton reste le même)${report.dryRun ? ' à faire' : ''}` : 'mot de passe inchangé'} ; ` +
            `il expire le ${expires} et DHIS2 refuserait alors le jeton de la passerelle : relancez « relais setup » avant le ${by} (chaque mois, par exemple).`
        : `  Service account ${report.serviceUser.username}: ${service.outcome === 'rotated' ? `new password (never shown; the token stays the same)${report.dryRun ? ', to do' : ''}` : 'password unchanged'}; ` +
            `it expires on ${expires} and DHIS2 would then refuse the bridge's token: run "relais setup" again before ${by} (monthly, for example).`,
    )
  }
  const operator = security.operator
  if (operator.expiredNow)
    lines.push(
      fr
        ? `  Votre compte ${operator.username} : mot de passe plus ancien que l’expiration — DHIS2 vous demandera d’en changer à la prochaine connexion, et refuse d’ici là vos appels Basic (relais setup, roster).`
        : `  Your account ${operator.username}: password older than the expiry — DHIS2 will ask you to change it at your next sign-in, and refuses your Basic calls (relais setup, roster) until then.`,
    )
  else if (operator.expires)
    lines.push(
      fr
        ? `  Votre compte ${operator.username} : mot de passe valable jusqu’au ${operator.expires.slice(0, 10)}.`
        : `  Your account ${operator.username}: password valid until ${operator.expires.slice(0, 10)}.`,
    )
  lines.push(
    fr
      ? '  Double authentification (2FA) : non exigée par setup. DHIS2 peut l’exiger par rôle (restriction R_ENABLE_2FA, ' +
          'inscription forcée à la connexion suivante), mais refuse alors à ces comptes l’authentification Basic et les jetons ; ' +
          'à décider par les administrateurs — la vérification de sécurité quotidienne signale les comptes privilégiés sans 2FA.'
      : '  Two-factor authentication (2FA): not required by setup. DHIS2 can require it per role (role restriction ' +
          'R_ENABLE_2FA, enrolment forced at the next sign-in) but then refuses Basic sign-in and tokens to those accounts; ' +
          'for the administrators to decide — the daily security check reports privileged accounts without 2FA.',
  )
  return lines
}

/** The audit log gets what setup did; when the ledger cannot be opened, the lines go to stderr instead. */
async function audit(report: SetupReport, env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  if (report.dryRun) return
  const actor = cliActor(env)
  const detail = {
    dhis2Version: report.dhis2Version,
    packageVersion: report.packageVersion,
    changed: report.changed,
    types: Object.fromEntries(
      Object.entries(report.types).map(([k, t]) => [k, { created: t.created, updated: t.updated }]),
    ),
    serviceUser: report.serviceUser,
    serviceDataAccess: report.serviceDataAccess,
    route: report.route.outcome,
    app: report.app,
    analyticsJob: report.analyticsJob.outcome,
    feedbackRecipients: report.feedbackRecipients,
    security: {
      settings: report.security.settings.filter((c) => c.outcome !== 'unchanged'),
      servicePassword: report.security.servicePassword.outcome,
    },
  }
  try {
    const { openLedger, repositories } = lazy<typeof import('../ledger')>('../ledger')
    const dataDir = env.RELAIS_DATA_DIR ?? './.relais'
    const db = await openLedger({
      database: env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: join(dataDir, 'pglite') },
      throughRunningBridge: true,
    })
    try {
      await repositories(db).audit.append({
        actor: actor.name,
        role: actor.role,
        action: 'setup',
        target: 'dhis2',
        detail,
      })
    } finally {
      await db.close()
    }
  } catch (error) {
    io.err(
      `relais setup: audit log not written (${error instanceof Error ? error.message : String(error)}): ${JSON.stringify(detail)}`,
    )
  }
}

export async function runSetupCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseCli(argv, {
    'dry-run': { type: 'boolean', default: false },
    'no-app': { type: 'boolean', default: false },
    app: { type: 'string' },
    'bridge-url': { type: 'string' },
    json: { type: 'boolean', default: false },
    ...LOCALE_OPTION,
    help: { type: 'boolean', default: false },
  })
  if (values.help) {
    io.out(SETUP_USAGE)
    return 0
  }
  const locale = localeOf(values)
  const url = required(env, 'DHIS2_URL', 'the DHIS2 to set up')
  const username = required(env, 'DHIS2_USERNAME', 'a DHIS2 superuser, for this command only')
  const password = required(env, 'DHIS2_PASSWORD', "that superuser's password, for this command only")
  // During a rotation RELAIS_ROUTE_SECRET is `current,next` (the bridge accepts both): the route gets the next.
  const routeSecret = required(env, 'RELAIS_ROUTE_SECRET', 'the secret header of the route relais-bridge')
    .split(',')
    .map((part) => part.trim())
    .pop()!
  if (routeSecret.length < 32)
    throw new ConfigError([
      { variable: 'RELAIS_ROUTE_SECRET', message: 'RELAIS_ROUTE_SECRET must be at least 32 characters' },
    ])
  const appZip = values['no-app'] ? undefined : (values.app ?? builtAppZip())
  if (!values['no-app'] && !appZip)
    throw new UsageError(
      'no app zip: build it (npm run build -w @relais/dhis2-app), give --app <zip>, or pass --no-app',
    )
  const dhis2 = new Dhis2Admin({ url, authorization: basicAuthorization(username, password) })
  try {
    const report = await runSetup(dhis2, {
      dryRun: values['dry-run'],
      bridgeUrl: values['bridge-url'] ?? `http://127.0.0.1:${env.PORT ?? '3000'}`,
      routeSecret,
      ...(appZip ? { appZip } : {}),
      serviceUsername: env.RELAIS_SERVICE_USER ?? 'relais-passerelle',
    })
    await audit(report, env, io)
    io.out(values.json ? toJson(report) : render(report, locale))
    return 0
  } catch (error) {
    if (error instanceof SetupRefusedError) {
      if (values.json) io.out(toJson({ refused: true, problems: error.problems }))
      io.err(
        locale === 'fr'
          ? `relais setup : DHIS2 refuse le paquet, rien n’a été importé (${error.problems.length} erreur(s)) :`
          : `relais setup: DHIS2 refuses the package, nothing was imported (${error.problems.length} error(s)):`,
      )
      for (const problem of error.problems) io.err(`  ${describeProblem(problem, locale)}`)
      return 2
    }
    if (error instanceof UnsupportedVersionError) {
      io.err(`relais setup${locale === 'fr' ? ' :' : ':'} ${error.reason[locale]}`)
      return 2
    }
    if (error instanceof RouteUrlRefusedError) {
      io.err(
        locale === 'fr'
          ? `relais setup : DHIS2 refuse une route vers ${error.url}. Depuis 2.42, DHIS2 n’autorise que les serveurs de ` +
              `route.remote_servers_allowed dans dhis.conf (par défaut https://*) : servez la passerelle en HTTPS ` +
              `(--bridge-url https://…) ou ajoutez son adresse à route.remote_servers_allowed, redémarrez DHIS2, puis relancez.`
          : `relais setup: DHIS2 refuses a route to ${error.url}. Since 2.42, DHIS2 only allows the servers listed in ` +
              `dhis.conf route.remote_servers_allowed (default https://*): serve the bridge over HTTPS ` +
              `(--bridge-url https://…) or add its address to route.remote_servers_allowed, restart DHIS2, then run again.`,
      )
      return 2
    }
    throw error
  }
}
