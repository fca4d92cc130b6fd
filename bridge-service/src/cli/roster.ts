/**
 * `relais roster import <file.csv|xlsx> [--dry-run] [--users [--passwords <file>]] [--json] [--locale fr|en]`
 * (issue 12 §4; the work is roster/import-roster.ts). DHIS2_URL and a login that may write org units and users
 * (DHIS2_USERNAME/DHIS2_PASSWORD, for this command only). Exit 0 when DHIS2 holds the roster, 2 on any
 * error in the file (every line's errors are printed; nothing is imported).
 */
import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { ConfigError } from '../config/env'
import { importHierarchy, importRoster, RosterRefusedError, type RosterReport } from '../roster/import-roster'
import { missingColumns, missingHierarchyColumns, type RosterRow } from '../roster/roster'
import { basicAuthorization, Dhis2Admin } from '../setup/admin-client'
import { SetupRefusedError } from '../setup/setup'
import { readAll, readFile } from '../sources/files/read-file'
import { expectPositionals, parseCli, UsageError, type CliIo, LOCALE_OPTION, localeOf } from './args'
import { describeProblem } from './setup'
import { toJson } from './table'

export const ROSTER_USAGE = `Usage: relais roster import <file.csv|xlsx> [--dry-run] [--users [--passwords <file>]] [--json] [--locale fr|en]
       relais roster hierarchy <file.csv|xlsx> [--dry-run] [--json] [--locale fr|en]

hierarchy: one org unit per row — niveau (département, zone sanitaire, aire sanitaire), code, nom, parent (the
code one level up; départements hang under the country), date d'ouverture (optional). Run it before import.

One RC per row: code, nom, prénom, sexe, téléphone, aire sanitaire, date de début, date de fin.
Creates or updates each RC's org unit under its aire, closes departed RC (never deleted), keeps the active-RC
group and the data sets in step; with --users, creates each active RC's DHIS2 user (group RELAIS_RC) and writes
their first passwords to a file only you can read. Errors are listed per line; nothing is imported then.
Environment: DHIS2_URL, DHIS2_USERNAME, DHIS2_PASSWORD.`

function render(report: RosterReport, locale: 'fr' | 'en'): string {
  const fr = locale === 'fr'
  const o = report.orgUnits
  const lines = [
    fr
      ? `${report.rows} ligne(s)${report.dryRun ? ' — essai : rien n’est écrit' : ''}`
      : `${report.rows} row(s)${report.dryRun ? ' — dry run: nothing written' : ''}`,
    fr
      ? `RC : ${o.created} créé(s), ${o.updated} mis à jour, ${o.unchanged} inchangé(s), ${o.closed} fermé(s)`
      : `RC: ${o.created} created, ${o.updated} updated, ${o.unchanged} unchanged, ${o.closed} closed`,
    fr
      ? `Groupe des RC actifs : +${report.activeGroup.added} −${report.activeGroup.removed}`
      : `Active-RC group: +${report.activeGroup.added} −${report.activeGroup.removed}`,
    fr
      ? `Ensembles de données : ${report.dataSets.assigned} affectation(s)`
      : `Data sets: ${report.dataSets.assigned} assignment(s)`,
    fr
      ? `Programme de recherche des perdus de vue : ${report.programs.assigned} affectation(s)`
      : `Lost-to-follow-up tracing program: ${report.programs.assigned} assignment(s)`,
  ]
  if (report.users.created + report.users.existing > 0)
    lines.push(
      fr
        ? `Comptes : ${report.users.created} créé(s), ${report.users.existing} existant(s)${report.users.file ? ` — premiers mots de passe dans ${report.users.file} (lisible par vous seul)` : ''}`
        : `Users: ${report.users.created} created, ${report.users.existing} existing${report.users.file ? ` — first passwords in ${report.users.file} (readable by you only)` : ''}`,
    )
  lines.push(
    report.changed === 0
      ? fr
        ? 'Rien à changer : DHIS2 a déjà cette liste.'
        : 'Nothing to change: DHIS2 already holds this roster.'
      : fr
        ? `${report.changed} changement(s)${report.dryRun ? ' à faire' : ''}.`
        : `${report.changed} change(s)${report.dryRun ? ' to make' : ''}.`,
  )
  return lines.join('\n')
}

export async function runRosterCommand(
  argv: string[],
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseCli(argv, {
    'dry-run': { type: 'boolean', default: false },
    users: { type: 'boolean', default: false },
    passwords: { type: 'string' },
    json: { type: 'boolean', default: false },
    ...LOCALE_OPTION,
    today: { type: 'string' },
    help: { type: 'boolean', default: false },
  })
  if (values.help || positionals.length === 0) {
    io.out(ROSTER_USAGE)
    return values.help ? 0 : 2
  }
  const [verb, ...files] = positionals
  if (verb !== 'import' && verb !== 'hierarchy')
    throw new UsageError(`unknown roster verb "${verb}" — usage: relais roster import|hierarchy <file>`)
  expectPositionals(files, 1, `relais roster ${verb} <file>`)
  const file = files[0]!
  const locale = localeOf(values)
  for (const name of ['DHIS2_URL', 'DHIS2_USERNAME', 'DHIS2_PASSWORD'])
    if (!env[name]) throw new ConfigError([{ variable: name, message: `${name} is required to import a roster` }])

  const { rows } = await readAll(await readFile(createReadStream(file), basename(file)))
  const headers = rows[0] ? Object.keys(rows[0].cells) : []
  const missing = verb === 'import' ? missingColumns(headers) : missingHierarchyColumns(headers)
  if (missing.length > 0) {
    io.err(
      locale === 'fr'
        ? `relais roster : colonnes manquantes dans ${basename(file)} : ${missing.join(', ')}`
        : `relais roster: columns missing in ${basename(file)}: ${missing.join(', ')}`,
    )
    return 2
  }
  const rosterRows: RosterRow[] = rows.map((r) => ({ line: r.rowNumber, cells: r.cells }))
  const dhis2 = new Dhis2Admin({
    url: env.DHIS2_URL!,
    authorization: basicAuthorization(env.DHIS2_USERNAME!, env.DHIS2_PASSWORD!),
  })
  const today = values.today ?? new Date().toISOString().slice(0, 10)
  try {
    if (verb === 'hierarchy') {
      const h = await importHierarchy(dhis2, rosterRows, values['dry-run'])
      io.out(
        values.json
          ? toJson(h)
          : locale === 'fr'
            ? `${h.rows} ligne(s) : ${h.created} créée(s), ${h.updated} mise(s) à jour, ${h.unchanged} inchangée(s)${h.dryRun ? ' — essai : rien n’est écrit' : ''}`
            : `${h.rows} row(s): ${h.created} created, ${h.updated} updated, ${h.unchanged} unchanged${h.dryRun ? ' — dry run' : ''}`,
      )
      return 0
    }
    const report = await importRoster(dhis2, rosterRows, {
      dryRun: values['dry-run'],
      today,
      ...(values.users ? { usersFile: values.passwords ?? `roster-passwords-${today}.csv` } : {}),
    })
    io.out(values.json ? toJson(report) : render(report, locale))
    return 0
  } catch (error) {
    if (error instanceof RosterRefusedError) {
      if (values.json) io.out(toJson({ refused: true, problems: error.problems }))
      io.err(
        locale === 'fr'
          ? `relais roster : ${error.problems.length} erreur(s), rien n’a été importé :`
          : `relais roster: ${error.problems.length} error(s), nothing was imported:`,
      )
      for (const p of error.problems)
        io.err(`  ${locale === 'fr' ? 'ligne' : 'line'} ${p.line} : ${locale === 'fr' ? p.fr : p.en}`)
      return 2
    }
    if (error instanceof SetupRefusedError) {
      io.err(locale === 'fr' ? 'relais roster : DHIS2 refuse la liste :' : 'relais roster: DHIS2 refuses the roster:')
      for (const problem of error.problems) io.err(`  ${describeProblem(problem, locale)}`)
      return 2
    }
    throw error
  }
}
