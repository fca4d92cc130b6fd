/**
 * Which RC traces a case (issue 19 §3). Pure. The site says it one of two ways: the RC's org unit code (a site
 * working with the programme knows its RC), or the aire sanitaire's code and the patient's village or quarter,
 * matched against the RC of that aire — an RC org unit is named after the volunteer and their village, e.g.
 * `RC Afiavi Houénou (Zè-Centre)`. Case, accents and spaces are forgiven, nothing else: no match, or two RC in
 * the same village, and the case waits in quarantine with the reason, for a data manager — never a guess.
 */
import { fold } from '@relais/mappings'

export interface RcUnit {
  readonly id: string
  readonly code: string
  readonly name: string
  /** The aire sanitaire's code (the RC's parent, level 4). */
  readonly parentCode: string | null
}

export type RcMatch =
  | { readonly ok: true; readonly rc: RcUnit }
  | { readonly ok: false; readonly reason: 'rc-unknown' | 'rc-not-found-in-area' | 'rc-ambiguous' }

/** The village of an RC org unit's name: what is in the last parentheses, else the whole name. */
export function villageOf(name: string): string {
  const match = /\(([^()]+)\)\s*$/.exec(name)
  return (match?.[1] ?? name).trim()
}

export function matchRc(
  hint: { readonly rcHint: string | null; readonly areaHint: string | null; readonly locality: string },
  units: readonly RcUnit[],
): RcMatch {
  if (hint.rcHint) {
    const code = fold(hint.rcHint)
    const rc = units.find((u) => fold(u.code) === code)
    if (rc) return { ok: true, rc }
    if (!hint.areaHint) return { ok: false, reason: 'rc-unknown' }
  }
  const area = fold(hint.areaHint ?? '')
  const locality = fold(hint.locality).replace(/[-'’]/g, '')
  const found = units.filter(
    (u) =>
      u.parentCode !== null &&
      fold(u.parentCode) === area &&
      fold(villageOf(u.name)).replace(/[-'’]/g, '') === locality,
  )
  if (found.length === 1) return { ok: true, rc: found[0]! }
  return { ok: false, reason: found.length === 0 ? 'rc-not-found-in-area' : 'rc-ambiguous' }
}

export const MATCH_REASONS: Record<Exclude<RcMatch, { ok: true }>['reason'], string> = {
  'rc-unknown': 'Code RC inconnu dans DHIS2. RC code unknown in DHIS2.',
  'rc-not-found-in-area':
    'Aucun RC de cette aire sanitaire pour cette localité. No RC of this health area for this locality.',
  'rc-ambiguous':
    'Plusieurs RC de cette aire sanitaire pour cette localité : choisir le RC. Several RC of this health area for this locality: choose the RC.',
}
