/**
 * Org unit resolution: a source's RC code, UID or name → one org unit of the snapshot. Codes and names
 * compare insensitive to case, spaces and accents (fold); UIDs exactly (they are case-sensitive). Known
 * misspellings go through the spec's explicit alias table. Several matches are an error unless exactly
 * one of them is assigned to the data set; there is no fuzzy guessing.
 */
import type { OrganisationUnit } from '../dhis2/metadata'
import type { MetadataIndex } from '../dhis2/metadata-index'
import type { Bilingual } from '../spec/errors'
import type { OrgUnitSpec } from '../spec/schema'
import { fold } from './text'

export type OrgUnitResolution =
  | { ok: true; orgUnit: OrganisationUnit }
  | { ok: false; code: 'ORG_UNIT_UNKNOWN' | 'ORG_UNIT_AMBIGUOUS'; message: Bilingual }

export interface OrgUnitResolver {
  resolve(text: string): OrgUnitResolution
}

export interface OrgUnitCompileProblem {
  alias: string
  target: string
}

function push(map: Map<string, OrganisationUnit[]>, key: string, unit: OrganisationUnit): void {
  const list = map.get(key)
  if (!list) map.set(key, [unit])
  else if (!list.includes(unit)) list.push(unit)
}

export function compileOrgUnitResolver(
  spec: OrgUnitSpec,
  index: MetadataIndex,
  dataSetId: string,
): { resolver: OrgUnitResolver; problems: OrgUnitCompileProblem[] } {
  const folded = new Map<string, OrganisationUnit[]>()
  const byUid = spec.match.includes('uid') ? index.objects.organisationUnits.byId : undefined
  for (const unit of index.snapshot.organisationUnits) {
    if (spec.match.includes('code') && unit.code !== undefined) push(folded, fold(unit.code), unit)
    if (spec.match.includes('name')) push(folded, fold(unit.name), unit)
  }
  const problems: OrgUnitCompileProblem[] = []
  for (const [alias, target] of Object.entries(spec.aliases)) {
    const unit = index.objects.organisationUnits.byCode.get(target) ?? index.objects.organisationUnits.byId.get(target)
    if (!unit) problems.push({ alias, target })
    // An alias replaces whatever the folded text would otherwise match: it is the data manager's decision.
    else folded.set(fold(alias), [unit])
  }

  const resolveSlow = (text: string): OrgUnitResolution => {
    const trimmed = text.trim()
    const exact = byUid?.get(trimmed)
    if (exact) return { ok: true, orgUnit: exact }
    const matches = folded.get(fold(trimmed)) ?? []
    if (matches.length === 1 && matches[0]) return { ok: true, orgUnit: matches[0] }
    if (matches.length === 0) {
      return {
        ok: false,
        code: 'ORG_UNIT_UNKNOWN',
        message: {
          fr: `Aucune unité d'organisation n'a le ${describe(spec.match, 'fr')} « ${trimmed} » : corrigez la valeur ou ajoutez un alias dans la spécification.`,
          en: `No organisation unit has the ${describe(spec.match, 'en')} "${trimmed}": correct the value or add an alias to the spec.`,
        },
      }
    }
    const assigned = matches.filter((u) => index.isAssigned(dataSetId, u.id))
    if (assigned.length === 1 && assigned[0]) return { ok: true, orgUnit: assigned[0] }
    const list = matches.map((u) => `${u.code ?? u.id} (${u.name})`).join(', ')
    return {
      ok: false,
      code: 'ORG_UNIT_AMBIGUOUS',
      message: {
        fr: `« ${trimmed} » désigne plusieurs unités d'organisation : ${list}. Utilisez le code.`,
        en: `"${trimmed}" names several organisation units: ${list}. Use the code.`,
      },
    }
  }

  // Sources repeat the same few hundred codes: remember each raw text's answer (bounded).
  const memo = new Map<string, OrgUnitResolution>()
  const resolver: OrgUnitResolver = {
    resolve(text) {
      let hit = memo.get(text)
      if (hit === undefined) {
        hit = resolveSlow(text)
        if (memo.size >= 65536) memo.clear()
        memo.set(text, hit)
      }
      return hit
    },
  }
  return { resolver, problems }
}

function describe(match: readonly string[], locale: 'fr' | 'en'): string {
  const words: Record<string, [string, string]> = { code: ['code', 'code'], uid: ['UID', 'UID'], name: ['nom', 'name'] }
  return match.map((m) => words[m]?.[locale === 'fr' ? 0 : 1] ?? m).join(locale === 'fr' ? ' ou ' : ' or ')
}
