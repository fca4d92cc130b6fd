/**
 * The seed's tracker metadata (issue 19 §3): the package's event programs, stages, option sets and options with
 * DHIS2's times, each program assigned to every RC (level 5) — the rule the seed follows for the data sets, and
 * the roster for a real DHIS2 — and its category combo the built-in `default` (an object imported without one
 * gets it, DefaultPreheatService.connectDefaults).
 */
import { relaisPackage } from '@relais/metadata'
import type { Ref } from '@relais/mappings'
import type { TrackerMetadata } from '../store/tracker-metadata'

const CREATED = '2024-01-15T09:00:00.000'

function stamped<T extends object>(objects: readonly T[]): (T & { created: string; lastUpdated: string })[] {
  return (JSON.parse(JSON.stringify(objects)) as T[]).map((o) => ({ ...o, created: CREATED, lastUpdated: CREATED }))
}

export function buildTrackerMetadata(rcs: readonly Ref[], defaultCombo: Ref): TrackerMetadata {
  const pkg = relaisPackage()
  return {
    programs: stamped(pkg.programs).map((p) => ({
      ...p,
      categoryCombo: defaultCombo,
      organisationUnits: rcs.map((rc) => ({ id: rc.id })),
    })),
    programStages: stamped(pkg.programStages),
    optionSets: stamped(pkg.optionSets),
    options: stamped(pkg.options),
  }
}
