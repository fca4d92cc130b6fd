/**
 * What the site receives when an RC recorded an outcome (issue 19 §3): keyed by the site's own identifier, so that
 * the site's records system files it on the right patient. Built in memory when it is sent, never stored. Pure.
 *
 * - `csv` sites: JSON `{"caseId", "outcome", "outcomeDate", "tracingCode"}`;
 * - `fhir` sites: a FHIR R4 `Task` (status completed) whose `for` names the patient by the site's identifier,
 *   `businessStatus` carries the outcome code, `executionPeriod.end` its date, and `identifier` the tracing code.
 */
import type { TracingOutcome } from '../ledger/tracing'

export interface OutcomeMessage {
  readonly caseId: string
  readonly outcome: TracingOutcome
  readonly outcomeDate: string
  readonly tracingCode: string
}

export const OUTCOME_LABELS: Record<TracingOutcome, string> = {
  RETROUVE_REVENU: 'Retrouvé et revenu aux soins',
  RETROUVE_REFUS: 'Retrouvé, refuse de revenir',
  DEMENAGE: 'A déménagé',
  DECEDE: 'Décédé',
  NON_RETROUVE: 'Non retrouvé',
}

export const TRACING_CODE_SYSTEM = 'urn:relais:tracing-code'
export const OUTCOME_SYSTEM = 'urn:relais:tracing-outcome'

export function outcomeBody(format: 'csv' | 'fhir', m: OutcomeMessage): string {
  if (format === 'csv')
    return JSON.stringify({
      caseId: m.caseId,
      outcome: m.outcome,
      outcomeDate: m.outcomeDate,
      tracingCode: m.tracingCode,
    })
  return JSON.stringify({
    resourceType: 'Task',
    status: 'completed',
    intent: 'order',
    identifier: [{ system: TRACING_CODE_SYSTEM, value: m.tracingCode }],
    code: { text: 'Recherche de patient perdu de vue' },
    for: { identifier: { value: m.caseId } },
    businessStatus: { coding: [{ system: OUTCOME_SYSTEM, code: m.outcome, display: OUTCOME_LABELS[m.outcome] }] },
    executionPeriod: { end: m.outcomeDate },
  })
}
