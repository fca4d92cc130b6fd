// Where a finding's « open the form » link goes (issue 15 §3): for a role with the app's own entry screen
// (supervisors), the Saisie screen at that RC and month (it reads ?ou=&pe=); for the others, DHIS2's Data
// Entry app, which sits beside the app on the server: the app is served at <base>/api/apps/relais/index.html.
import type { RelaisRole } from '../roles/roles'
import { allowedScreens } from '../roles/roles'
import { SCREEN_PATHS } from '../shared/screenPaths'

export type FormLink = { kind: 'app'; path: string } | { kind: 'dhis2'; href: string }

/** DHIS2's Data Entry app (the aggregate one, 2.39+), its hash route for a data set, org unit and period. */
export function dataEntryAppUrl(baseUrl: string, dataSet: string, orgUnit: string, period: string): string {
  const hash = `#/?dataSetId=${encodeURIComponent(dataSet)}&orgUnitId=${encodeURIComponent(orgUnit)}&periodId=${encodeURIComponent(period)}`
  // useConfig()'s baseUrl is the server's root (absolute, or relative to the app's page: `..` parts); from
  // there, DHIS2's bundled apps live at dhis-web-<name>/.
  const base = baseUrl.replace(/\/+$/, '')
  return `${base === '' ? '.' : base}/dhis-web-aggregate-data-entry/index.html${hash}`
}

/**
 * @param saisieMonths the months the Saisie screen offers (it opens another month for one it does not offer:
 *   an older report goes to DHIS2's Data Entry app instead)
 */
export function formLink(
  roles: readonly RelaisRole[],
  baseUrl: string,
  dataSet: string,
  orgUnit: string,
  period: string,
  saisieMonths: ReadonlySet<string>,
): FormLink {
  if (allowedScreens(roles).includes('saisie') && saisieMonths.has(period)) {
    const params = new URLSearchParams({ ou: orgUnit, pe: period })
    return { kind: 'app', path: `${SCREEN_PATHS.saisie}?${params.toString()}` }
  }
  return { kind: 'dhis2', href: dataEntryAppUrl(baseUrl, dataSet, orgUnit, period) }
}
