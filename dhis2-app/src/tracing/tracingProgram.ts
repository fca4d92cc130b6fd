// The tracing programme's DHIS2 codes (issue 19 §3) and how the app finds their uids: by code at run time, as
// the entry does for the monthly data set, so the same app runs on any DHIS2 the metadata package went into.
import type { useDataEngine } from '@dhis2/app-runtime'

export type DataEngine = ReturnType<typeof useDataEngine>

export const TRACING_PROGRAM_CODE = 'RC_PDV_RECHERCHE'
export const TRACING_STAGE_CODE = 'RC_PDV_RECHERCHE_ETAPE'

/** The task's data elements, by what the app calls them. */
export const TRACING_ELEMENTS = {
  code: 'RC_PDV_PSEUDONYME',
  site: 'RC_PDV_SITE',
  sex: 'RC_PDV_SEXE',
  ageBand: 'RC_PDV_TRANCHE_AGE',
  locality: 'RC_PDV_LOCALITE',
  missedOn: 'RC_PDV_RDV_MANQUE',
  outcome: 'RC_PDV_RESULTAT',
  outcomeDate: 'RC_PDV_DATE_RESULTAT',
} as const

export type TracingField = keyof typeof TRACING_ELEMENTS

export const OUTCOMES = ['RETROUVE_REVENU', 'RETROUVE_REFUS', 'DEMENAGE', 'DECEDE', 'NON_RETROUVE'] as const
export type OutcomeCode = (typeof OUTCOMES)[number]
export const isOutcome = (value: unknown): value is OutcomeCode => OUTCOMES.includes(value as OutcomeCode)

/** The uids of this DHIS2. */
export interface TracingMeta {
  program: string
  programStage: string
  /** Data element uid by field. */
  elements: Record<TracingField, string>
}

interface MetaAnswer {
  programs?: { programs?: Array<{ id: string; programStages?: Array<{ id: string; code?: string }> }> }
  elements?: { dataElements?: Array<{ id: string; code?: string }> }
}

export const tracingMetaQuery = {
  programs: {
    resource: 'programs',
    params: { filter: `code:eq:${TRACING_PROGRAM_CODE}`, fields: 'id,programStages[id,code]', paging: false },
  },
  elements: {
    resource: 'dataElements',
    params: {
      filter: `code:in:[${Object.values(TRACING_ELEMENTS).join(',')}]`,
      fields: 'id,code',
      paging: false,
    },
  },
}

/** The uids, or null when the programme (or one of its elements) is not in this DHIS2. */
export function toTracingMeta(answer: MetaAnswer): TracingMeta | null {
  const program = answer.programs?.programs?.[0]
  if (!program) return null
  const stages = program.programStages ?? []
  // One stage in this programme; its code is checked when DHIS2 gives it.
  const stage = stages.find((s) => s.code === TRACING_STAGE_CODE) ?? (stages.length === 1 ? stages[0] : undefined)
  if (!stage) return null
  const byCode = new Map((answer.elements?.dataElements ?? []).map((de) => [de.code, de.id]))
  const elements = {} as Record<TracingField, string>
  for (const [field, code] of Object.entries(TRACING_ELEMENTS) as Array<[TracingField, string]>) {
    const id = byCode.get(code)
    if (!id) return null
    elements[field] = id
  }
  return { program: program.id, programStage: stage.id, elements }
}

export async function loadTracingMeta(engine: DataEngine): Promise<TracingMeta | null> {
  return toTracingMeta((await engine.query(tracingMetaQuery)) as MetaAnswer)
}
