/**
 * The reconciliation report (pure): per period, zone and cell, the programme's value, the value the national
 * instance holds (read back), and for every difference its reason, in English and French. Built after a push (its
 * import outcomes known), a dry run (what the push would change against what the national instance holds), or a
 * check alone (compared with what the last push sent, so that an edit made at the national instance since is
 * named as such).
 */
import { cellKey, type NationalSpec } from './national-spec'
import { nationalKey, sameValue, type MappedValues, type NationalValue } from './map-values'

export const LINE_STATUSES = [
  'match',
  'different',
  'missing-at-national',
  'unmapped',
  'refused',
  'national-only',
] as const
export type LineStatus = (typeof LINE_STATUSES)[number]

export type ReportMode = 'push' | 'dry-run' | 'check'

export interface Bilingual {
  en: string
  fr: string
}

export interface ReportLine {
  period: string
  /** The programme's zone code (absent for a national-only value). */
  orgUnit?: string
  /** The programme's cell, `DE.COC` (absent for a national-only value). */
  dataElement?: string
  nationalOrgUnit?: string
  /** The national cell, `DE.COC` (absent when unmapped). */
  nationalDataElement?: string
  programmeValue?: string
  nationalValue?: string
  status: LineStatus
  /** Why, for every line that is not a match. */
  reason?: Bilingual
  /** DHIS2's conflict, for a refused value. */
  conflict?: string
}

/** One value's outcome at the national instance, in the order of `planned`. */
export interface PushOutcome {
  outcome: 'accepted' | 'rejected'
  conflicts: { message: string; errorCode?: string }[]
}

/** What the last push of the period sent (check mode), by national key. */
export interface LastSent {
  value: string
  pushId: string
  at: string
  /** DHIS2's conflict when it refused the value at that push. */
  refused?: string
}

export interface ReconcileInput {
  mode: ReportMode
  spec: NationalSpec
  mapped: MappedValues
  /** Push and dry run: DHIS2's answer per planned value. */
  outcomes?: readonly PushOutcome[]
  /** What the national instance holds for the period and the mapped zones (read after the push). */
  national: readonly NationalValue[]
  /** Check mode: what earlier pushes sent. */
  lastSent?: ReadonlyMap<string, LastSent>
}

export function reconcile(input: ReconcileInput): ReportLine[] {
  const { mode, spec, mapped } = input
  const held = new Map(input.national.map((v) => [nationalKey(v), v]))
  const covered = new Set<string>()
  const lines: ReportLine[] = []

  for (const u of mapped.unmapped) {
    const s = u.source
    lines.push({
      period: s.period,
      orgUnit: s.orgUnit,
      dataElement: cellKey(s.dataElement, s.categoryOptionCombo),
      programmeValue: s.value,
      status: 'unmapped',
      reason:
        u.missing === 'cell'
          ? {
              en: `not sent: the national spec maps no national element for ${cellKey(s.dataElement, s.categoryOptionCombo)}`,
              fr: `non envoyé : la spécification nationale n’associe aucun élément national à ${cellKey(s.dataElement, s.categoryOptionCombo)}`,
            }
          : {
              en: `not sent: the national spec maps no national org unit for the zone ${s.orgUnit}`,
              fr: `non envoyé : la spécification nationale n’associe aucune unité nationale à la zone ${s.orgUnit}`,
            },
    })
  }

  mapped.planned.forEach((p, i) => {
    const key = nationalKey(p.target)
    covered.add(key)
    const national = held.get(key)
    const base: ReportLine = {
      period: p.source.period,
      orgUnit: p.source.orgUnit,
      dataElement: cellKey(p.source.dataElement, p.source.categoryOptionCombo),
      nationalOrgUnit: p.target.orgUnit,
      nationalDataElement: cellKey(p.target.dataElement, p.target.categoryOptionCombo),
      programmeValue: p.source.value,
      ...(national ? { nationalValue: national.value } : {}),
      status: 'match',
    }
    const outcome = input.outcomes?.[i]
    if (outcome?.outcome === 'rejected') {
      const conflict = outcome.conflicts.map((c) => c.message).join('; ') || 'refused'
      lines.push({
        ...base,
        status: 'refused',
        conflict,
        reason:
          mode === 'dry-run'
            ? {
                en: `the national DHIS2 would refuse it: ${conflict}`,
                fr: `le DHIS2 national le refuserait : ${conflict}`,
              }
            : { en: `refused by the national DHIS2: ${conflict}`, fr: `refusé par le DHIS2 national : ${conflict}` },
      })
      return
    }
    if (national && sameValue(national.value, p.source.value)) {
      lines.push(base)
      return
    }
    lines.push({ ...base, ...differenceOf(mode, p.source.value, national?.value, input.lastSent?.get(key)) })
  })

  // Values the national instance holds in the cells and zones the spec maps, which the programme has not.
  const zones = new Set(spec.orgUnits.values())
  const cells = new Set([...spec.cells.values()].map((c) => cellKey(c.dataElement, c.categoryOptionCombo)))
  for (const v of input.national) {
    const key = nationalKey(v)
    if (covered.has(key) || !zones.has(v.orgUnit) || !cells.has(cellKey(v.dataElement, v.categoryOptionCombo))) continue
    lines.push({
      period: v.period,
      nationalOrgUnit: v.orgUnit,
      nationalDataElement: cellKey(v.dataElement, v.categoryOptionCombo),
      nationalValue: v.value,
      status: 'national-only',
      reason: {
        en: 'held by the national instance only: the programme has no value for this zone and cell (entered there, or removed from the programme)',
        fr: 'présent seulement dans l’instance nationale : le programme n’a pas de valeur pour cette zone et cette case (saisie là-bas, ou retirée du programme)',
      },
    })
  }
  return lines.sort(byPlace)
}

function differenceOf(
  mode: ReportMode,
  programme: string,
  national: string | undefined,
  last: LastSent | undefined,
): Pick<ReportLine, 'status' | 'reason'> {
  if (mode === 'dry-run')
    return national === undefined
      ? {
          status: 'missing-at-national',
          reason: { en: `the push would create it (${programme})`, fr: `l’envoi la créerait (${programme})` },
        }
      : {
          status: 'different',
          reason: {
            en: `the push would replace the national ${national} by ${programme}`,
            fr: `l’envoi remplacerait la valeur nationale ${national} par ${programme}`,
          },
        }
  if (mode === 'push')
    return national === undefined
      ? {
          status: 'missing-at-national',
          reason: {
            en: 'accepted by the national DHIS2 but absent when read back',
            fr: 'acceptée par le DHIS2 national mais absente à la relecture',
          },
        }
      : {
          status: 'different',
          reason: {
            en: `accepted by the national DHIS2 but it holds ${national} when read back`,
            fr: `acceptée par le DHIS2 national mais il contient ${national} à la relecture`,
          },
        }
  // Check: what happened since the last push.
  if (!last)
    return {
      status: national === undefined ? 'missing-at-national' : 'different',
      reason: {
        en: 'never pushed for this period: push it',
        fr: 'jamais envoyée pour cette période : lancez l’envoi',
      },
    }
  if (last.refused !== undefined && national === undefined)
    return {
      status: 'refused',
      reason: {
        en: `refused by the national DHIS2 at the push of ${last.at}: ${last.refused}`,
        fr: `refusée par le DHIS2 national lors de l’envoi du ${last.at} : ${last.refused}`,
      },
    }
  if (!sameValue(last.value, programme))
    return {
      status: national === undefined ? 'missing-at-national' : 'different',
      reason: {
        en: `the programme's value changed since the push of ${last.at} (sent ${last.value}): push again`,
        fr: `la valeur du programme a changé depuis l’envoi du ${last.at} (envoyé ${last.value}) : renvoyez`,
      },
    }
  return national === undefined
    ? {
        status: 'missing-at-national',
        reason: {
          en: `sent ${last.value} on ${last.at}, no longer held: deleted at the national instance since`,
          fr: `envoyée (${last.value}) le ${last.at}, absente depuis : supprimée dans l’instance nationale`,
        },
      }
    : {
        status: 'different',
        reason: {
          en: `edited at the national instance since the push of ${last.at}: Relais sent ${last.value}, it now holds ${national}`,
          fr: `modifiée dans l’instance nationale depuis l’envoi du ${last.at} : Relais a envoyé ${last.value}, elle contient ${national}`,
        },
      }
}

const byPlace = (a: ReportLine, b: ReportLine) =>
  a.period.localeCompare(b.period) ||
  (a.orgUnit ?? a.nationalOrgUnit ?? '').localeCompare(b.orgUnit ?? b.nationalOrgUnit ?? '') ||
  (a.dataElement ?? a.nationalDataElement ?? '').localeCompare(b.dataElement ?? b.nationalDataElement ?? '')

/** Lines per status, every status present (zero when none). */
export function countByStatus(lines: readonly ReportLine[]): Record<LineStatus, number> {
  const counts = Object.fromEntries(LINE_STATUSES.map((s) => [s, 0])) as Record<LineStatus, number>
  for (const l of lines) counts[l.status]++
  return counts
}
