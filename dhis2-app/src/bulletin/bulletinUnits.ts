// Which org units a bulletin can be made for: the départements (level 2) and zones sanitaires (level 3) in the
// user's part of the hierarchy — a supervisor of a zone gets their zone only, a data manager of Bénin every one.
import type { useDataEngine } from '@dhis2/app-runtime'
import type { CurrentUser } from '../shared/currentUser'

type Engine = ReturnType<typeof useDataEngine>

export const DEPARTEMENT_LEVEL = 2
export const ZONE_LEVEL = 3

export interface BulletinUnitChoice {
  id: string
  name: string
  level: number
  path: string
}

/**
 * Départements first, then zones, each by name; a unit reached through two of the user's roots once. Units
 * above level 2 and below level 3 are not bulletin units (the country has the dashboard, an aire is too small).
 */
export function bulletinUnitChoices(units: readonly BulletinUnitChoice[]): BulletinUnitChoice[] {
  const unique = new Map(
    units.filter((u) => u.level === DEPARTEMENT_LEVEL || u.level === ZONE_LEVEL).map((u) => [u.id, u]),
  )
  return [...unique.values()].sort((a, b) => a.level - b.level || a.name.localeCompare(b.name, 'fr'))
}

/**
 * The départements and the zones of the whole country (a few dozen), kept when their path goes through one of the
 * user's assigned org units (the unit itself included).
 */
export async function loadBulletinUnits(engine: Engine, user: CurrentUser): Promise<BulletinUnitChoice[]> {
  type Answer = {
    units: { organisationUnits?: Array<{ id: string; displayName: string; level: number; path: string }> }
  }
  const answers = await Promise.all(
    [DEPARTEMENT_LEVEL, ZONE_LEVEL].map(
      (level) =>
        engine.query({
          units: {
            resource: 'organisationUnits',
            params: { filter: `level:eq:${level}`, fields: 'id,displayName,level,path', paging: false },
          },
        }) as unknown as Promise<Answer>,
    ),
  )
  const roots = user.organisationUnits.map((u) => u.id)
  return bulletinUnitChoices(
    answers
      .flatMap((a) => a.units.organisationUnits ?? [])
      .filter((u) => u.path.split('/').some((id) => roots.includes(id)))
      .map((u) => ({ id: u.id, name: u.displayName, level: u.level, path: u.path })),
  )
}
