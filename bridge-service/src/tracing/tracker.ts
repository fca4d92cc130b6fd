/**
 * The DHIS2 side of tracing (issue 19 §3), thin: the program's uids by code, the RC org units, creating a task
 * event, and reading the completed ones. Every uid is resolved by code at run time, as the bridge does for data
 * sets (pipeline/map/metadata.ts): nothing of one DHIS2 instance is written in the code.
 */
import { z } from 'zod'
import type { Dhis2Client } from '../dhis2/client'
import { Dhis2Error } from '../dhis2/errors'
import type { RcUnit } from './rc-match'
import { DATA_ELEMENT_CODES, type DataElementKey, type ReadEvent, type TracingProgram } from './task-event'

export class TracingMetadataError extends Error {
  override readonly name = 'TracingMetadataError'
}

const identifiable = z.object({ id: z.string(), code: z.string().optional() })
const programsSchema = z.object({
  programs: z.array(identifiable.extend({ programStages: z.array(identifiable).optional() })),
})
const stagesSchema = z.object({ programStages: z.array(identifiable) })
const dataElementsSchema = z.object({ dataElements: z.array(identifiable) })
const unitsSchema = z.object({
  organisationUnits: z.array(
    z.object({
      id: z.string(),
      code: z.string().optional(),
      name: z.string().optional(),
      parent: z.object({ id: z.string().optional(), code: z.string().optional() }).optional(),
    }),
  ),
})
const eventSchema = z.looseObject({
  event: z.string(),
  status: z.string().optional(),
  updatedAt: z.string().optional(),
  completedAt: z.string().optional(),
  occurredAt: z.string().optional(),
  dataValues: z.array(z.looseObject({ dataElement: z.string(), value: z.string().nullable().optional() })).optional(),
})
// 2.38–2.40 answer `instances`, 2.41 `events` (reference/dhis2-web-api.md §5.3).
const eventsSchema = z.looseObject({
  instances: z.array(eventSchema).optional(),
  events: z.array(eventSchema).optional(),
  pager: z.looseObject({ pageCount: z.number().optional() }).optional(),
  pageCount: z.number().optional(),
})

export async function resolveProgram(dhis2: Dhis2Client, programCode: string): Promise<TracingProgram> {
  const stageCode = `${programCode}_ETAPE`
  const programs = await dhis2.getJson(
    '/programs',
    { filter: `code:eq:${programCode}`, fields: 'id,code,programStages[id,code]', paging: false },
    programsSchema,
  )
  const program = programs?.programs[0]
  if (!program)
    throw new TracingMetadataError(
      `Le programme ${programCode} est absent de DHIS2 : importez le paquet de métadonnées (relais setup). The program ${programCode} is not in DHIS2: import the metadata package (relais setup).`,
    )
  let stage = program.programStages?.find((s) => s.code === stageCode) ?? undefined
  if (!stage) {
    const stages = await dhis2.getJson(
      '/programStages',
      { filter: `code:eq:${stageCode}`, fields: 'id,code', paging: false },
      stagesSchema,
    )
    stage = stages?.programStages[0] ?? (program.programStages?.length === 1 ? program.programStages[0] : undefined)
  }
  if (!stage) throw new TracingMetadataError(`The program stage ${stageCode} is not in DHIS2.`)
  const codes = Object.values(DATA_ELEMENT_CODES)
  const found = await dhis2.getJson(
    '/dataElements',
    { filter: `code:in:[${codes.join(',')}]`, fields: 'id,code', paging: false },
    dataElementsSchema,
  )
  const byCode = new Map((found?.dataElements ?? []).map((d) => [d.code, d.id]))
  const dataElements = {} as Record<DataElementKey, string>
  for (const [key, code] of Object.entries(DATA_ELEMENT_CODES) as [DataElementKey, string][]) {
    const id = byCode.get(code)
    if (!id) throw new TracingMetadataError(`The data element ${code} is not in DHIS2.`)
    dataElements[key] = id
  }
  return { program: program.id, programStage: stage.id, dataElements }
}

/** The RC org units (level 5) with their aire's code. */
export async function rcUnits(dhis2: Dhis2Client): Promise<RcUnit[]> {
  const answer = await dhis2.getJson(
    '/organisationUnits',
    { filter: 'level:eq:5', fields: 'id,code,name,parent[id,code]', paging: false },
    unitsSchema,
  )
  return (answer?.organisationUnits ?? [])
    .filter((u) => u.code)
    .map((u) => ({ id: u.id, code: u.code!, name: u.name ?? '', parentCode: u.parent?.code ?? null }))
}

export type CreateResult =
  { kind: 'created' } | { kind: 'transient'; error: string; retryAfterMs?: number } | { kind: 'refused'; error: string }

/**
 * Creates the event (importStrategy CREATE, synchronous). A refusal is checked against what DHIS2 holds: an event
 * with this uid already there (our earlier attempt whose answer was lost, a resent list) is the task, created —
 * CREATE rather than CREATE_AND_UPDATE, so that a late retry can never overwrite an outcome the RC recorded.
 */
export async function createTaskEvent(
  dhis2: Dhis2Client,
  program: TracingProgram,
  event: { event: string; orgUnit: string } & Record<string, unknown>,
): Promise<CreateResult> {
  try {
    await dhis2.postJson(
      '/tracker',
      { events: [event] },
      { params: { async: false, importStrategy: 'CREATE', atomicMode: 'ALL' } },
    )
    return { kind: 'created' }
  } catch (error) {
    if (!(error instanceof Dhis2Error)) throw error
    if (error.kind === 'transient')
      return {
        kind: 'transient',
        error: error.message,
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      }
    if (error.status === 409 && (await eventExists(dhis2, program, event.event, event.orgUnit)))
      return { kind: 'created' }
    return { kind: 'refused', error: error.message }
  }
}

async function eventExists(dhis2: Dhis2Client, program: TracingProgram, uid: string, orgUnit: string) {
  const answer = await dhis2.getJson(
    '/tracker/events',
    { program: program.program, orgUnit, events: uid, fields: 'event', pageSize: 1 },
    eventsSchema,
  )
  return [...(answer?.instances ?? []), ...(answer?.events ?? [])].some((e) => e.event === uid)
}

/** Completed events of the program updated after `updatedAfter` (all when undefined), page by page. */
export async function completedEvents(
  dhis2: Dhis2Client,
  program: TracingProgram,
  updatedAfter: string | undefined,
  pageSize = 200,
): Promise<ReadEvent[]> {
  const all: ReadEvent[] = []
  for (let page = 1; page <= 500; page++) {
    const answer = await dhis2.getJson(
      '/tracker/events',
      {
        program: program.program,
        status: 'COMPLETED',
        orgUnitMode: 'ACCESSIBLE',
        fields: 'event,status,updatedAt,completedAt,occurredAt,dataValues[dataElement,value]',
        page,
        pageSize,
        ...(updatedAfter ? { updatedAfter } : {}),
      },
      eventsSchema,
    )
    const events = [...(answer?.instances ?? []), ...(answer?.events ?? [])]
    all.push(...events)
    if (events.length < pageSize) break
  }
  return all
}
