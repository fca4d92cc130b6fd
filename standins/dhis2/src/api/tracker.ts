/**
 * The tracker API for event programs (web-api §5; docs@2.41 `tracker.md`; core@2.41.9
 * `TrackerImportController`, `EventsExportController`): the HTTP glue around `import/tracker-import.ts` and
 * `query/events-query.ts`.
 *
 * - `POST /api/tracker` (JSON only, else 415): without `async=false` a job (`async` absent means asynchronous)
 *   answered at once with `{"message":"Tracker job added","response":{"id","location"}}`; with `async=false`
 *   the bare ImportReport, 200 unless its status is ERROR (409). A body Jackson could not read is a 400.
 * - `GET /api/tracker/jobs/{uid}`: the job's notifications (newest first); `GET /api/tracker/jobs/{uid}/report`:
 *   its ImportReport (`reportMode`), 404 until the job has ended.
 * - `GET /api/tracker/events[.json]` and `GET /api/tracker/events/{uid}` (404 E1005 when unknown or deleted, 403
 *   listing the reasons when the program's data or the org unit is out of the user's reach).
 */
import express, { type Request, type Response, type Router } from 'express'
import type { AuthUser, StandinContext } from '../context'
import { HttpError, notFound, webMessage } from '../http/web-message'
import { boolParam, stringParam } from '../import/common'
import {
  importTracker,
  readPayload,
  trackerImportParams,
  TrackerRequestError,
  type ImportReportJson,
} from '../import/tracker-import'
import { inSearchScope, listBody, queryEvents } from '../query/events-query'
import { canDataRead } from '../auth/object-sharing'
import { applyFields, parseTrackerFields } from '../query/tracker-fields'
import { EventStore, type StoredEvent } from '../store/events'
import { TrackerIndex } from '../store/tracker-metadata'
import { requireJsonBody } from './data-value-sets'
import { baseUrlOf } from './metadata'

/** Tracker payloads are small (one event per case); a larger body is refused with 413 before it is parsed. */
export const TRACKER_BODY_LIMIT = '20mb'
const jsonBody = express.json({ limit: TRACKER_BODY_LIMIT, type: () => true, strict: true })

const JOB_TYPE = 'TRACKER_IMPORT_JOB'
const DEFAULT_FIELDS = '*,!relationships'

/** The state's event store, created on first use for states loaded from older files. */
export function eventStoreOf(ctx: StandinContext): EventStore {
  ctx.state.events ??= new EventStore()
  return ctx.state.events
}

/** Whether an org unit is within the user's capture org units (DHIS2's `isInUserHierarchy`). */
function captureScope(ctx: StandinContext, user: AuthUser): (orgUnit: string) => boolean {
  const units = ctx.index.metadata.objects.organisationUnits.byId
  return (orgUnitId) => {
    if (user.isSuperuser) return true
    const unit = units.get(orgUnitId)
    return unit !== undefined && ctx.isWithinAny(unit, user.captureOrgUnits)
  }
}

export function runTrackerImport(
  ctx: StandinContext,
  user: AuthUser,
  query: Record<string, unknown>,
  payload: unknown,
) {
  return importTracker({
    metadata: ctx.index.metadata,
    tracker: new TrackerIndex(ctx.state.tracker),
    store: eventStoreOf(ctx),
    user,
    now: ctx.clock.timestamp(),
    timeZone: ctx.clock.timeZone,
    params: trackerImportParams(query),
    payload,
    inCaptureScope: captureScope(ctx, user),
  })
}

/** DefaultTrackerImportService.buildImportReport: warnings only for reportMode WARNINGS or FULL. */
function filterReport(report: ImportReportJson, reportMode: unknown): ImportReportJson {
  const mode = String(reportMode ?? 'ERRORS').toUpperCase()
  if (mode === 'WARNINGS' || mode === 'FULL') return report
  return { ...report, validationReport: { ...report.validationReport, warningReports: [] } }
}

/** An event as the played version renders it (core view `Event`: 2.40 `orgUnitName`/`followup`, 2.41 both). */
export function renderEvent(ctx: StandinContext, event: StoredEvent): Record<string, unknown> {
  const minor = Number(ctx.behaviour.line.split('.')[1])
  const unit = ctx.index.metadata.objects.organisationUnits.byId.get(event.orgUnit)
  return {
    event: event.event,
    status: event.status,
    program: event.program,
    programStage: event.programStage,
    orgUnit: event.orgUnit,
    ...(minor <= 40 ? { orgUnitName: unit?.name } : {}),
    relationships: [],
    occurredAt: event.occurredAt,
    scheduledAt: event.scheduledAt,
    storedBy: event.storedBy,
    ...(minor >= 41 ? { followUp: event.followUp } : {}),
    ...(minor <= 41 ? { followup: event.followUp } : {}),
    deleted: event.deleted,
    createdAt: event.createdAt,
    createdAtClient: event.createdAtClient,
    updatedAt: event.updatedAt,
    updatedAtClient: event.updatedAtClient,
    attributeOptionCombo: event.attributeOptionCombo,
    attributeCategoryOptions: event.attributeCategoryOptions,
    completedBy: event.completedBy,
    completedAt: event.completedAt,
    geometry: event.geometry,
    createdBy: event.createdBy,
    updatedBy: event.updatedBy,
    dataValues: event.dataValues.map((dv) => ({
      createdAt: dv.createdAt,
      updatedAt: dv.updatedAt,
      storedBy: dv.storedBy,
      providedElsewhere: dv.providedElsewhere,
      dataElement: dv.dataElement,
      value: dv.value,
      createdBy: dv.createdBy,
      updatedBy: dv.updatedBy,
    })),
    notes: event.notes.map((n) => ({ note: n.note, value: n.value, storedAt: n.storedAt, storedBy: n.storedBy })),
  }
}

function fieldsOf(req: Request) {
  const raw = req.query.fields
  const text = (Array.isArray(raw) ? raw.map(String).join(',') : typeof raw === 'string' ? raw : '') || DEFAULT_FIELDS
  if (text.length > 5000) throw new HttpError(400, 'fields is too long')
  return parseTrackerFields(text)
}

function asBadRequest<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof TrackerRequestError) throw new HttpError(400, error.message)
    throw error
  }
}

export function registerTracker(router: Router, ctx: StandinContext): void {
  router.post(['/tracker', '/tracker.json'], requireJsonBody, jsonBody, (req: Request, res: Response) => {
    const user = ctx.userOf(req)
    const query = req.query as Record<string, unknown>
    const payload: unknown = req.body
    // What Jackson and Spring refuse comes back at once, before any job (a 400 WebMessage).
    asBadRequest(() => {
      trackerImportParams(query)
      readPayload(payload, ctx.clock.timeZone)
    })
    if (stringParam(query, 'async')?.toLowerCase() === 'false') {
      const report = filterReport(
        asBadRequest(() => runTrackerImport(ctx, user, query, payload)),
        query.reportMode,
      )
      res.status(report.status === 'ERROR' ? 409 : 200).json(report)
      return
    }
    const started = ctx.tasks.start(JOB_TYPE, 'tracker import', user.user.id, () =>
      runTrackerImport(ctx, user, query, payload),
    )
    const id = (started.response as { id: string }).id
    res.json(
      webMessage(200, 'Tracker job added', {
        response: { responseType: 'TrackerJob', id, location: `${baseUrlOf(req)}/api/tracker/jobs/${id}` },
      }),
    )
  })

  router.get('/tracker/jobs/:id', (req, res) => {
    const job = ctx.tasks.get(JOB_TYPE, String(req.params.id))
    if (!job) throw notFound(`Job not found: ${String(req.params.id)}`)
    res.json(job.notifications)
  })
  router.get('/tracker/jobs/:id/report', (req, res) => {
    const id = String(req.params.id)
    const job = ctx.tasks.get(JOB_TYPE, id)
    if (!job?.summary) throw notFound(`Import report for job with uid \`${id}\` not found.`)
    res.json(filterReport(job.summary as ImportReportJson, req.query.reportMode))
  })

  router.get(['/tracker/events', '/tracker/events.json'], (req, res) => {
    const user = ctx.userOf(req)
    const fields = fieldsOf(req)
    const result = queryEvents(ctx, user, req.query as Record<string, unknown>)
    const items = result.events.map((e) => applyFields(renderEvent(ctx, e), fields))
    res.json(listBody(ctx, req, result, items))
  })
  router.get('/tracker/events/:uid', (req, res) => {
    const user = ctx.userOf(req)
    const uid = String(req.params.uid)
    const event = ctx.state.events?.get(uid)
    const includeDeleted = boolParam(req.query as Record<string, unknown>, 'includeDeleted')
    if (!event || (event.deleted && !includeDeleted))
      throw notFound(`Event with id ${uid} could not be found.`, 'E1005')
    // DefaultTrackerAccessManager.canRead (event program): program data read, the org unit in the search scope;
    // the reasons come back as a list in a 403.
    const errors: string[] = []
    const program = ctx.state.tracker?.programs.find((p) => p.id === event.program)
    if (!user.isSuperuser) {
      if (!program || !canDataRead(user, program))
        errors.push(`User has no data read access to program: ${event.program}`)
      if (!inSearchScope(ctx, user)(event.orgUnit))
        errors.push(`User has no read access to organisation unit: ${event.orgUnit}`)
    }
    if (errors.length > 0) throw new HttpError(403, `[${errors.join(', ')}]`)
    res.json(applyFields(renderEvent(ctx, event), fieldsOf(req)))
  })
}
