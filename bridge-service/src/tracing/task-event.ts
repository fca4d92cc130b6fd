/**
 * The tracing task as DHIS2 holds it (issue 19 §3): one event of the event program RC_PDV_RECHERCHE (without
 * registration: no tracked entity, so no attribute can ever hold a name), in the RC's org unit, ACTIVE until the
 * RC records the outcome and completes it. Pure: the payload from a case, and the outcome from an event.
 */
import { TRACING_OUTCOMES, type TracingOutcome } from '../ledger/tracing'

export const DATA_ELEMENT_CODES = {
  tracingCode: 'RC_PDV_PSEUDONYME',
  site: 'RC_PDV_SITE',
  sex: 'RC_PDV_SEXE',
  ageBand: 'RC_PDV_TRANCHE_AGE',
  locality: 'RC_PDV_LOCALITE',
  missedAppointment: 'RC_PDV_RDV_MANQUE',
  outcome: 'RC_PDV_RESULTAT',
  outcomeDate: 'RC_PDV_DATE_RESULTAT',
} as const
export type DataElementKey = keyof typeof DATA_ELEMENT_CODES

/** The program's uids, resolved by code from DHIS2's metadata at run time (tracing/tracker.ts). */
export interface TracingProgram {
  readonly program: string
  readonly programStage: string
  readonly dataElements: Readonly<Record<DataElementKey, string>>
}

export interface TaskCase {
  readonly eventUid: string
  readonly tracingCode: string
  readonly site: string
  readonly sex: string
  readonly ageBand: string
  readonly locality: string
  readonly missedAppointment: string
}

/** The event of a case: only the tracing code, site, sex, age band, locality and missed appointment. */
export function taskEvent(p: TracingProgram, c: TaskCase, orgUnit: string, occurredAt: string) {
  const de = p.dataElements
  return {
    event: c.eventUid,
    program: p.program,
    programStage: p.programStage,
    orgUnit,
    occurredAt,
    status: 'ACTIVE',
    dataValues: [
      { dataElement: de.tracingCode, value: c.tracingCode },
      { dataElement: de.site, value: c.site },
      { dataElement: de.sex, value: c.sex },
      { dataElement: de.ageBand, value: c.ageBand },
      { dataElement: de.locality, value: c.locality },
      { dataElement: de.missedAppointment, value: c.missedAppointment },
    ],
  }
}

export interface ReadEvent {
  readonly event: string
  readonly status?: string | undefined
  readonly updatedAt?: string | undefined
  readonly completedAt?: string | undefined
  readonly occurredAt?: string | undefined
  readonly dataValues?:
    readonly { readonly dataElement: string; readonly value?: string | null | undefined }[] | undefined
}

/** The outcome an RC recorded on a completed event; undefined while there is none (or it is not one we know). */
export function outcomeOf(
  p: TracingProgram,
  e: ReadEvent,
): { outcome: TracingOutcome; outcomeDate: string } | undefined {
  if (e.status !== 'COMPLETED') return undefined
  const value = (de: string) => e.dataValues?.find((v) => v.dataElement === de)?.value ?? undefined
  const outcome = value(p.dataElements.outcome)
  if (!outcome || !(TRACING_OUTCOMES as readonly string[]).includes(outcome)) return undefined
  const date = (value(p.dataElements.outcomeDate) ?? e.completedAt ?? e.updatedAt ?? '').slice(0, 10)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined
  return { outcome: outcome as TracingOutcome, outcomeDate: date }
}
