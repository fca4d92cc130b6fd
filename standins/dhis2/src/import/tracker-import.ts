/**
 * `POST /api/tracker` for events of event programs (WITHOUT_REGISTRATION), as DHIS2 2.38–2.42 import them
 * (web-api §5.1–5.2; core@2.41.9 `dhis-service-tracker/…/tracker/imports/`):
 * - pre-processing (`EventProgramPreProcessor`): an event without `program` gets its stage's program, one
 *   without `programStage` of an event program gets the program's stage; a missing `event` UID is generated;
 * - validation, each with DHIS2's code and words (`ValidationCode`): E1048 bad UID; E1082 deleted, E1030 exists
 *   on CREATE, E1032 missing on UPDATE/DELETE (`ExistenceValidator`); E1123 missing orgUnit/programStage/program
 *   (`MandatoryFieldsValidator`); E1011/E1010/E1013 unknown org unit/program/stage (`MetaValidator`, which ends
 *   the event's validation); E1000 org unit outside the user's capture scope, E1091 no data write on the
 *   program, E1099 no data write on an attribute option, E1083 uncompleting without F_UNCOMPLETE_EVENT
 *   (`SecurityOwnershipValidator`); E1089 stage of another program, E1029 org unit not assigned to the program,
 *   E1115 unknown attribute option combo, E1054 combo not the program's (`DataRelationsValidator`); E1031
 *   occurredAt missing (always, for an event program), E1050 SCHEDULE without scheduledAt (`DateValidator`);
 *   E1304 unknown data element, E1125 not an option code, E1302 value type, E1315 values on a status without
 *   values, E1303/E1076 compulsory data element missing or removed (when the stage validates, i.e. on
 *   completion — ValidationStrategy ON_COMPLETE, the default), E1305 data element not in the stage
 *   (`DataValuesValidator`, `ValidationUtils`); E1128 programStage changed, E1316 status back to one without
 *   values (`UpdatableFieldsValidator`, `StatusUpdateValidator`);
 * - atomicMode ALL (default): any error commits nothing, status ERROR, every object ignored
 *   (`ImportReport.withValidationErrors`); OBJECT: the valid events are committed and the status is OK — the
 *   source's behaviour (`DefaultTrackerImportService.importTracker` → `withImportCompleted(Status.OK…)`), with
 *   `ignored` the number of distinct invalid UIDs (`ValidationReport.size`);
 * - importMode VALIDATE: validation only, nothing stored;
 * - commit: data values are merged (a value `null` or blank removes one, values left out are kept), notes are
 *   added, DELETE is a soft delete; `createdAt`/`updatedAt` and `completedAt` (when COMPLETED without one) come
 *   from the stand-in clock.
 * Not modelled: tracked entities, enrollments and relationships (refused with 400, the stand-in plays event
 * programs only), program rules, expiry days (E1043/E1047: the package's program has none), id schemes other
 * than UID.
 */
import { generateUid, isValidUid, validateValue, type ValueType } from '@relais/mappings'
import type { AuthUser } from '../context'
import { canDataWrite } from '../auth/object-sharing'
import {
  EVENT_STATUSES,
  STATUSES_WITHOUT_DATA_VALUES,
  type EventStatus,
  type EventStore,
  type StoredDataValue,
  type StoredEvent,
  type UserStamp,
} from '../store/events'
import type { ProgramRecord, ProgramStageRecord, TrackerIndex } from '../store/tracker-metadata'
import type { MetadataIndex } from '@relais/mappings'

/** A request DHIS2 refuses before validating (Jackson or Spring binding errors): a 400 WebMessage. */
export class TrackerRequestError extends Error {
  constructor(message: string) {
    super(message)
  }
}

export const TRACKER_STRATEGIES = ['CREATE_AND_UPDATE', 'CREATE', 'UPDATE', 'DELETE'] as const
export type TrackerStrategy = (typeof TRACKER_STRATEGIES)[number]

export interface TrackerImportParams {
  importStrategy: TrackerStrategy
  atomicMode: 'ALL' | 'OBJECT'
  importMode: 'COMMIT' | 'VALIDATE'
  reportMode: 'ERRORS' | 'WARNINGS' | 'FULL'
}

/** Spring's enum binding: an unknown value is a 400 naming the valid ones (CrudControllerAdvice). */
function enumParam<T extends string>(
  query: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = query[name]
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value === null || value === '') return fallback
  const text = String(value).toUpperCase()
  if (!(allowed as readonly string[]).includes(text))
    throw new TrackerRequestError(
      `Value '${String(value)}' is not valid for parameter ${name}. Valid values are: [${allowed.join(', ')}]`,
    )
  return text as T
}

export function trackerImportParams(query: Record<string, unknown>): TrackerImportParams {
  for (const name of [
    'idScheme',
    'orgUnitIdScheme',
    'programIdScheme',
    'programStageIdScheme',
    'dataElementIdScheme',
    'categoryOptionComboIdScheme',
    'categoryOptionIdScheme',
  ]) {
    const scheme = query[name]
    if (scheme !== undefined && String(scheme).toUpperCase() !== 'UID')
      throw new TrackerRequestError(`The stand-in imports tracker objects by UID only: ${name}=${String(scheme)}`)
  }
  return {
    importStrategy: enumParam(query, 'importStrategy', TRACKER_STRATEGIES, 'CREATE_AND_UPDATE'),
    atomicMode: enumParam(query, 'atomicMode', ['ALL', 'OBJECT'] as const, 'ALL'),
    importMode: enumParam(query, 'importMode', ['COMMIT', 'VALIDATE'] as const, 'COMMIT'),
    reportMode: enumParam(query, 'reportMode', ['ERRORS', 'WARNINGS', 'FULL'] as const, 'ERRORS'),
  }
}

export interface TrackerError {
  message: string
  errorCode: string
  trackerType: 'EVENT'
  uid: string
  args: string[]
}

interface TypeReport {
  trackerType: 'EVENT'
  stats: Stats
  objectReports: Array<{ trackerType: 'EVENT'; uid: string; index: number; errorReports: TrackerError[] }>
}

interface Stats {
  created: number
  updated: number
  deleted: number
  ignored: number
  total: number
}

export interface ImportReportJson {
  status: 'OK' | 'WARNING' | 'ERROR'
  validationReport: { errorReports: TrackerError[]; warningReports: TrackerError[] }
  stats: Stats
  bundleReport?: { typeReportMap: Partial<Record<'EVENT', TypeReport>> }
  message?: string
}

/** What the import needs from the stand-in (no express, no context: testable alone). */
export interface TrackerImportInput {
  metadata: MetadataIndex
  tracker: TrackerIndex
  store: EventStore
  user: AuthUser
  /** Server-local timestamp of now (the stand-in clock). */
  now: string
  timeZone: string
  params: TrackerImportParams
  payload: unknown
  /** Whether an org unit is in the user's capture scope. */
  inCaptureScope: (orgUnitId: string) => boolean
}

/** An event of the payload after Jackson's reading: fields typed, dates as server-local timestamps. */
interface PayloadEvent {
  event: string
  program: string
  programStage: string
  orgUnit: string
  status: EventStatus
  occurredAt?: string
  scheduledAt?: string
  completedAt?: string
  createdAtClient?: string
  updatedAtClient?: string
  storedBy?: string
  attributeOptionCombo: string
  attributeCategoryOptions: string[]
  geometry?: unknown
  followUp?: boolean
  notes: Array<{ note: string; value: string }>
  dataValues: Array<{ dataElement: string; value: string | null; providedElsewhere: boolean }>
  /** The fields the payload set (an update keeps the others). */
  given: Set<string>
}

const MAX_STRING = 50_000

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') {
    if (value.length > MAX_STRING) throw new TrackerRequestError(`Field \`${field}\` is too long`)
    return value
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new TrackerRequestError(`Cannot deserialize value of type \`java.lang.String\` from ${kind(value)} (${field})`)
}

function kind(value: unknown): string {
  return Array.isArray(value)
    ? 'Array value (token `JsonToken.START_ARRAY`)'
    : 'Object value (token `JsonToken.START_OBJECT`)'
}

/** DHIS2's `InstantFromString`: an ISO date or date-time, an offset optional (none = server-local time). */
function instant(value: unknown, field: string, timeZone: string): string | undefined {
  const raw = text(value, field)
  if (raw === undefined || raw === '') return undefined
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    raw.trim(),
  )
  const at = m ? toLocal(m, timeZone) : undefined
  if (!at)
    throw new TrackerRequestError(
      `Cannot deserialize value of type \`java.time.Instant\` from String "${raw.slice(0, 100)}" (${field})`,
    )
  return at
}

function toLocal(m: RegExpExecArray, timeZone: string): string | undefined {
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone] = m
  const ms = Number(frac.slice(0, 3).padEnd(3, '0'))
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  const date = new Date(utc)
  // Reject 2026-02-30 and the like: the calendar must give back what was written.
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59)
    return undefined
  if (!zone) return `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}`
  const sign = zone === 'Z' ? 0 : zone.startsWith('-') ? -1 : 1
  const digits = zone === 'Z' ? '0000' : zone.slice(1).replace(':', '')
  const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
  return localStamp(new Date(utc - offset * 60_000), timeZone)
}

function localStamp(at: Date, timeZone: string): string {
  const parts: Record<string, string> = {}
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  for (const part of format.formatToParts(at)) parts[part.type] = part.value
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${String(at.getUTCMilliseconds()).padStart(3, '0')}`
}

/** Jackson's reading of one event: a wrong JSON type anywhere is a 400 for the whole request, as in DHIS2. */
function readEvent(raw: unknown, timeZone: string): PayloadEvent {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new TrackerRequestError('Cannot deserialize value of type `Event`: each of `events` must be an object')
  const o = raw as Record<string, unknown>
  const status = text(o.status, 'status')
  if (status !== undefined && !(EVENT_STATUSES as readonly string[]).includes(status))
    throw new TrackerRequestError(
      `Cannot deserialize value of type \`org.hisp.dhis.event.EventStatus\` from String "${status.slice(0, 100)}": not one of the values accepted for Enum class: [${EVENT_STATUSES.join(', ')}]`,
    )
  const list = (value: unknown, field: string): unknown[] => {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value))
      throw new TrackerRequestError(
        `Cannot deserialize value of type \`java.util.Set\` from a non-array value (${field})`,
      )
    return value
  }
  const dataValues = list(o.dataValues, 'dataValues').map((dv) => {
    if (!dv || typeof dv !== 'object' || Array.isArray(dv))
      throw new TrackerRequestError(
        'Cannot deserialize value of type `DataValue`: each of `dataValues` must be an object',
      )
    const d = dv as Record<string, unknown>
    return {
      dataElement: text(d.dataElement, 'dataValues.dataElement') ?? '',
      value: text(d.value, 'dataValues.value') ?? null,
      providedElsewhere: d.providedElsewhere === true,
    }
  })
  const notes = list(o.notes, 'notes').map((n) => {
    const note = (n && typeof n === 'object' ? n : {}) as Record<string, unknown>
    return { note: text(note.note, 'notes.note') ?? generateUid(), value: text(note.value, 'notes.value') ?? '' }
  })
  const aco = text(o.attributeCategoryOptions, 'attributeCategoryOptions') ?? ''
  return {
    event: text(o.event, 'event') ?? '',
    program: text(o.program, 'program') ?? '',
    programStage: text(o.programStage, 'programStage') ?? '',
    orgUnit: text(o.orgUnit, 'orgUnit') ?? '',
    status: (status as EventStatus | undefined) ?? 'ACTIVE',
    occurredAt: instant(o.occurredAt, 'occurredAt', timeZone),
    scheduledAt: instant(o.scheduledAt, 'scheduledAt', timeZone),
    completedAt: instant(o.completedAt, 'completedAt', timeZone),
    createdAtClient: instant(o.createdAtClient, 'createdAtClient', timeZone),
    updatedAtClient: instant(o.updatedAtClient, 'updatedAtClient', timeZone),
    storedBy: text(o.storedBy, 'storedBy'),
    attributeOptionCombo: text(o.attributeOptionCombo, 'attributeOptionCombo') ?? '',
    attributeCategoryOptions: aco
      .split(/[;,]/)
      .map((s) => s.trim())
      .filter(Boolean),
    geometry: o.geometry ?? undefined,
    followUp: typeof o.followUp === 'boolean' ? o.followUp : undefined,
    notes,
    dataValues,
    given: new Set(Object.keys(o)),
  }
}

/** The payload's events (400 for anything but `{events: [...]}` of event programs). */
export function readPayload(payload: unknown, timeZone: string): PayloadEvent[] {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw new TrackerRequestError('The request body must be a JSON object such as {"events": [...]}')
  const body = payload as Record<string, unknown>
  for (const other of ['trackedEntities', 'enrollments', 'relationships']) {
    const list = body[other]
    if (Array.isArray(list) && list.length > 0)
      throw new TrackerRequestError(`The stand-in imports events of event programs only, not ${other}`)
  }
  if (body.events === undefined || body.events === null) return []
  if (!Array.isArray(body.events))
    throw new TrackerRequestError(
      'Cannot deserialize value of type `java.util.ArrayList` from a non-array value (events)',
    )
  return body.events.map((e) => readEvent(e, timeZone))
}

const stampOf = (user: AuthUser): UserStamp => ({
  uid: user.user.id,
  username: user.user.username,
  firstName: user.user.firstName,
  surname: user.user.surname,
  displayName: `${user.user.firstName} ${user.user.surname}`,
})

export function importTracker(input: TrackerImportInput): ImportReportJson {
  const { metadata, store, params } = input
  const events = readPayload(input.payload, input.timeZone)
  const errorReports: TrackerError[] = []
  const defaultCoc = [...metadata.objects.categoryOptionCombos.byId.values()].find((c) => c.code === 'default')
  const outcomes: Array<{
    event: PayloadEvent
    action: 'create' | 'update' | 'delete'
    errors: TrackerError[]
    index: number
  }> = []
  const seen = new Set<string>()

  events.forEach((event, index) => {
    const errors: TrackerError[] = []
    const uidOf = event.event || (event.event = generateUid())
    const error = (errorCode: string, message: string, ...args: string[]) => {
      // ValidationReport.addErrorIfNotExisting: one error per code, object and message.
      if (!errors.some((e) => e.errorCode === errorCode && e.message === message))
        errors.push({ message, errorCode, trackerType: 'EVENT', uid: uidOf, args })
    }
    const existing = store.get(uidOf)
    const action: 'create' | 'update' | 'delete' =
      params.importStrategy === 'DELETE'
        ? 'delete'
        : params.importStrategy === 'CREATE'
          ? 'create'
          : params.importStrategy === 'UPDATE'
            ? 'update'
            : existing && !existing.deleted
              ? 'update'
              : 'create'
    outcomes.push({ event, action, errors, index })
    validateEvent(input, event, existing, action, error, seen)
    errorReports.push(...errors)
  })

  const failed = outcomes.filter((o) => o.errors.length > 0)
  const total = events.length
  if (failed.length > 0 && params.atomicMode === 'ALL')
    return {
      status: 'ERROR',
      validationReport: { errorReports, warningReports: [] },
      // ImportReport.withValidationErrors: no persistence report at all (null, left out of the JSON).
      stats: { created: 0, updated: 0, deleted: 0, ignored: total, total },
    }

  const stats: Stats = { created: 0, updated: 0, deleted: 0, ignored: 0, total: 0 }
  const objectReports: TypeReport['objectReports'] = []
  if (params.importMode === 'COMMIT') {
    for (const outcome of outcomes) {
      if (outcome.errors.length > 0) continue
      commit(input, outcome.event, outcome.action, defaultCoc?.id ?? '')
      if (outcome.action === 'create') stats.created++
      else if (outcome.action === 'update') stats.updated++
      else stats.deleted++
      objectReports.push({ trackerType: 'EVENT', uid: outcome.event.event, index: outcome.index, errorReports: [] })
    }
  }
  const invalid = new Set(failed.map((o) => o.event.event)).size
  const typeStats: Stats = { ...stats, ignored: total - stats.created - stats.updated - stats.deleted }
  typeStats.total = typeStats.created + typeStats.updated + typeStats.deleted + typeStats.ignored
  const overall: Stats = { ...stats, ignored: invalid }
  overall.total = overall.created + overall.updated + overall.deleted + overall.ignored
  return {
    status: 'OK',
    validationReport: { errorReports, warningReports: [] },
    stats: overall,
    bundleReport: {
      typeReportMap:
        params.importMode === 'COMMIT' ? { EVENT: { trackerType: 'EVENT', stats: typeStats, objectReports } } : {},
    },
  }
}

type AddError = (errorCode: string, message: string, ...args: string[]) => void

function validateEvent(
  input: TrackerImportInput,
  event: PayloadEvent,
  existing: StoredEvent | undefined,
  action: 'create' | 'update' | 'delete',
  error: AddError,
  seen: Set<string>,
): void {
  const { metadata, tracker, user } = input
  const uid = event.event
  // UidValidator (checkUidFormat).
  if (!isValidUid(uid)) {
    error('E1048', `Object: \`${uid}\`, uid: \`${uid}\`, has an invalid uid format.`, uid, uid)
    return
  }
  // The same UID twice in one payload: DHIS2's duplicate check (TrackerIdentifierCollector) keeps one.
  if (seen.has(uid)) {
    error('E1030', `Event: \`${uid}\`, already exists.`, uid)
    return
  }
  seen.add(uid)
  // ExistenceValidator.
  if (existing?.deleted) {
    error('E1082', `Event: \`${uid}\`, is already deleted and cannot be modified.`, uid)
    return
  }
  if (existing && action === 'create') {
    error('E1030', `Event: \`${uid}\`, already exists.`, uid)
    return
  }
  if (!existing && action !== 'create') {
    error('E1032', `Event: \`${uid}\`, do not exist.`, uid)
    return
  }
  if (action === 'delete') {
    // Only the security validator runs on DELETE (needsToRun): the stored event's org unit and program.
    if (!input.inCaptureScope(existing!.orgUnit))
      error(
        'E1000',
        `User: \`${user.user.id}\`, has no write access to OrganisationUnit: \`${existing!.orgUnit}\`.`,
        user.user.id,
        existing!.orgUnit,
      )
    const program = tracker.programs.get(existing!.program)
    if (program && !canDataWrite(user, program))
      error(
        'E1091',
        `User: \`${user.user.id}\`, has no data write access to Program: \`${program.id}\`.`,
        user.user.id,
        program.id,
      )
    return
  }
  // EventProgramPreProcessor: fill program from the stage, stage from an event program.
  if (!event.program && event.programStage) {
    const program = tracker.programOfStage(event.programStage)
    if (program) event.program = program.id
  }
  if (!event.programStage && event.program) {
    const program = tracker.programs.get(event.program)
    const only = program?.programType === 'WITHOUT_REGISTRATION' ? program.programStages[0] : undefined
    if (only) event.programStage = only.id
  }
  // MandatoryFieldsValidator.
  if (!event.orgUnit) error('E1123', 'Missing required event property: `orgUnit`.', 'orgUnit')
  if (!event.programStage) error('E1123', 'Missing required event property: `programStage`.', 'programStage')
  if (!event.program) error('E1123', 'Missing required event property: `program`.', 'program')
  if (!event.orgUnit || !event.programStage || !event.program) return
  // MetaValidator: unknown references end the event's validation.
  const orgUnit = metadata.objects.organisationUnits.byId.get(event.orgUnit)
  const program = tracker.programs.get(event.program)
  const stage = tracker.programStages.get(event.programStage)
  if (!orgUnit) error('E1011', `Could not find OrganisationUnit: \`${event.orgUnit}\`, linked to Event.`, event.orgUnit)
  if (!program) error('E1010', `Could not find Program: \`${event.program}\`, linked to Event.`, event.program)
  if (!stage)
    error('E1013', `Could not find ProgramStage: \`${event.programStage}\`, linked to Event.`, event.programStage)
  if (!orgUnit || !program || !stage) return
  if (program.programType !== 'WITHOUT_REGISTRATION') {
    error('E1033', `Event: \`${uid}\`, Enrollment value is null.`, uid)
    return
  }

  validateSecurity(input, event, existing, program, error)
  validateRelations(input, event, program, stage, error)
  // DateValidator: an event program's event always needs its occurredAt.
  const occurredAt = event.given.has('occurredAt') ? event.occurredAt : (event.occurredAt ?? existing?.occurredAt)
  if (!occurredAt) error('E1031', 'Event OccurredAt date is missing.', uid)
  else if (event.status === 'SCHEDULE' && !(event.scheduledAt ?? existing?.scheduledAt))
    error('E1050', 'Event ScheduledAt date is missing.', uid)
  validateDataValues(input, event, existing, stage, error)
  if (existing) {
    // UpdatableFieldsValidator, StatusUpdateValidator.
    if (existing.programStage !== event.programStage)
      error('E1128', 'Not allowed to update Event property: programStage.', 'programStage')
    if (!STATUSES_WITHOUT_DATA_VALUES.has(existing.status) && STATUSES_WITHOUT_DATA_VALUES.has(event.status))
      error(
        'E1316',
        `No event can transition from status \`${existing.status}\` to status \`${event.status}.\``,
        existing.status,
        event.status,
      )
  }
}

function validateSecurity(
  input: TrackerImportInput,
  event: PayloadEvent,
  existing: StoredEvent | undefined,
  program: ProgramRecord,
  error: AddError,
): void {
  const { user } = input
  const id = user.user.id
  // SecurityOwnershipValidator: an event program's org unit must be in the capture scope, on create and update.
  if (!input.inCaptureScope(event.orgUnit))
    error('E1000', `User: \`${id}\`, has no write access to OrganisationUnit: \`${event.orgUnit}\`.`, id, event.orgUnit)
  if (existing && existing.orgUnit !== event.orgUnit && !input.inCaptureScope(existing.orgUnit))
    error(
      'E1000',
      `User: \`${id}\`, has no write access to OrganisationUnit: \`${existing.orgUnit}\`.`,
      id,
      existing.orgUnit,
    )
  if (!canDataWrite(user, program))
    error('E1091', `User: \`${id}\`, has no data write access to Program: \`${program.id}\`.`, id, program.id)
  const coc = input.metadata.objects.categoryOptionCombos.byId.get(
    event.attributeOptionCombo || (existing?.attributeOptionCombo ?? ''),
  )
  for (const option of coc?.categoryOptions ?? []) {
    const record = input.metadata.objects.categoryOptions.byId.get(option.id)
    if (record && !canDataWrite(user, record))
      error('E1099', `User: \`${id}\`, has no write access to CategoryOption: \`${option.id}\`.`, id, option.id)
  }
  if (
    existing?.status === 'COMPLETED' &&
    event.status !== 'COMPLETED' &&
    !user.isSuperuser &&
    !user.authorities.has('F_UNCOMPLETE_EVENT')
  )
    error('E1083', `User: \`${id}\`, is not authorized to modify completed events.`, id)
}

function validateRelations(
  input: TrackerImportInput,
  event: PayloadEvent,
  program: ProgramRecord,
  stage: ProgramStageRecord,
  error: AddError,
): void {
  const stageProgram = input.tracker.programOfStage(stage.id)
  if (stageProgram?.id !== program.id)
    error(
      'E1089',
      `Event: \`${event.event}\`, references a Program Stage \`${stage.id}\` that does not belong to Program \`${program.id}\`.`,
      event.event,
      stage.id,
      program.id,
    )
  if (!program.organisationUnits.some((o) => o.id === event.orgUnit))
    error(
      'E1029',
      `Event OrganisationUnit: \`${event.orgUnit}\`, and Program: \`${program.id}\`, don't match.`,
      event.orgUnit,
      program.id,
    )
  if (event.attributeOptionCombo) {
    const coc = input.metadata.objects.categoryOptionCombos.byId.get(event.attributeOptionCombo)
    if (!coc)
      error(
        'E1115',
        `Could not find CategoryOptionCombo: \`${event.attributeOptionCombo}\`.`,
        event.attributeOptionCombo,
      )
    else if (coc.categoryCombo.id !== program.categoryCombo.id)
      error(
        'E1054',
        `AttributeOptionCombo \`${coc.id}\` is not in the event programs category combo \`${program.categoryCombo.id}\`.`,
        coc.id,
        program.categoryCombo.id,
      )
  }
  for (const option of event.attributeCategoryOptions)
    if (!input.metadata.objects.categoryOptions.byId.get(option))
      error('E1116', `Could not find CategoryOption: \`${option}\`.`, option)
}

function validateDataValues(
  input: TrackerImportInput,
  event: PayloadEvent,
  existing: StoredEvent | undefined,
  stage: ProgramStageRecord,
  error: AddError,
): void {
  const { metadata, tracker } = input
  for (const dv of event.dataValues) {
    const element = metadata.objects.dataElements.byId.get(dv.dataElement)
    if (!element) {
      error('E1304', `DataElement \`${dv.dataElement}\` is not a valid data element`, dv.dataElement)
      continue
    }
    if (dv.value === null) continue
    const setId = element.optionSet?.id
    if (setId && dv.value !== '') {
      const codes = tracker.optionCodes.get(setId) ?? new Set<string>()
      const given = element.valueType === 'MULTI_TEXT' ? dv.value.split(',') : [dv.value]
      if (!given.every((code) => codes.has(code)))
        error('E1125', `Value \`${dv.value}\` is not a valid option code in option set \`${setId}\``, dv.value, setId)
    }
    if (validateValue(element.valueType as ValueType, dv.value)) {
      // ValidationUtils.validateValueType: the message's first argument is the value type (sic).
      const detail = `Value type is ${element.valueType} but the value \`${dv.value.slice(0, 200)}\` is not.`
      error('E1302', `DataElement \`${element.valueType}\` is not valid: \`${detail}\``, element.valueType, detail)
    }
  }
  if (STATUSES_WITHOUT_DATA_VALUES.has(event.status) && event.dataValues.length > 0)
    error(
      'E1315',
      `Status \`${event.status}\` does not allow defining data values. Statuses that do allow defining data values are: [ACTIVE, COMPLETED, VISITED]`,
      event.status,
    )
  // Compulsory data elements, checked when the stage validates: on completion (ON_COMPLETE, DHIS2's default).
  if (event.status === 'COMPLETED') {
    const present = new Set<string>()
    for (const dv of existing?.dataValues ?? []) present.add(dv.dataElement)
    for (const dv of event.dataValues) if (dv.value !== null && dv.value !== '') present.add(dv.dataElement)
    for (const psde of stage.programStageDataElements) {
      if (!psde.compulsory) continue
      const removed = event.dataValues.some(
        (dv) => dv.dataElement === psde.dataElement.id && (dv.value === null || dv.value === ''),
      )
      if (removed)
        error(
          'E1076',
          `\`DataElement\` \`${psde.dataElement.id}\` is mandatory and cannot be null`,
          'DataElement',
          psde.dataElement.id,
        )
      else if (!present.has(psde.dataElement.id))
        error('E1303', `Mandatory DataElement \`${psde.dataElement.id}\` is not present`, psde.dataElement.id)
    }
  }
  const inStage = new Set(stage.programStageDataElements.map((p) => p.dataElement.id))
  for (const dv of event.dataValues)
    if (metadata.objects.dataElements.byId.get(dv.dataElement) && !inStage.has(dv.dataElement))
      error(
        'E1305',
        `DataElement \`${dv.dataElement}\` is not part of \`${stage.id}\` program stage`,
        dv.dataElement,
        stage.id,
      )
}

function commit(
  input: TrackerImportInput,
  event: PayloadEvent,
  action: 'create' | 'update' | 'delete',
  defaultCoc: string,
): void {
  const { store, user, now } = input
  const stamp = stampOf(user)
  const existing = store.get(event.event)
  if (action === 'delete') {
    if (existing) store.put({ ...existing, deleted: true, updatedAt: now, updatedBy: stamp })
    return
  }
  const values = new Map<string, StoredDataValue>()
  for (const dv of existing?.dataValues ?? []) values.set(dv.dataElement, dv)
  for (const dv of event.dataValues) {
    // A null or blank value removes the stored one (tracker's "erase").
    if (dv.value === null || dv.value === '') {
      values.delete(dv.dataElement)
      continue
    }
    const before = values.get(dv.dataElement)
    values.set(dv.dataElement, {
      dataElement: dv.dataElement,
      value: dv.value,
      providedElsewhere: dv.providedElsewhere,
      createdAt: before?.createdAt ?? now,
      updatedAt: before && before.value === dv.value ? before.updatedAt : now,
      storedBy: event.storedBy ?? user.user.username,
      createdBy: before?.createdBy ?? stamp,
      updatedBy: before && before.value === dv.value ? before.updatedBy : stamp,
    })
  }
  const completed = event.status === 'COMPLETED'
  const stayedCompleted = completed && existing?.status === 'COMPLETED'
  const stored: StoredEvent = {
    event: event.event,
    program: event.program,
    programStage: event.programStage,
    orgUnit: event.orgUnit,
    status: event.status,
    occurredAt: event.given.has('occurredAt') ? event.occurredAt : (event.occurredAt ?? existing?.occurredAt),
    scheduledAt: event.given.has('scheduledAt') ? event.scheduledAt : (event.scheduledAt ?? existing?.scheduledAt),
    // EventTrackerConverterService: completing stamps who and when (the payload's completedAt when given).
    completedAt: completed
      ? (event.completedAt ?? (stayedCompleted ? existing?.completedAt : undefined) ?? now)
      : undefined,
    completedBy: completed ? ((stayedCompleted ? existing?.completedBy : undefined) ?? user.user.username) : undefined,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    // The client's own times are kept as sent (offline capture: when the RC recorded it on the phone).
    createdAtClient: existing?.createdAtClient ?? event.createdAtClient,
    updatedAtClient: event.updatedAtClient ?? existing?.updatedAtClient,
    storedBy: existing?.storedBy ?? event.storedBy ?? user.user.username,
    createdBy: existing?.createdBy ?? stamp,
    updatedBy: stamp,
    attributeOptionCombo: event.attributeOptionCombo || existing?.attributeOptionCombo || defaultCoc,
    attributeCategoryOptions:
      existing?.attributeCategoryOptions ?? defaultOptionsOf(input, event.attributeOptionCombo || defaultCoc),
    followUp: event.followUp ?? existing?.followUp ?? false,
    deleted: false,
    geometry: event.given.has('geometry') ? event.geometry : existing?.geometry,
    notes: [
      ...(existing?.notes ?? []),
      ...event.notes
        .filter((n) => n.value !== '')
        .map((n) => ({ note: n.note, value: n.value, storedAt: now, storedBy: user.user.username })),
    ],
    dataValues: [...values.values()],
  }
  store.put(stored)
}

function defaultOptionsOf(input: TrackerImportInput, cocId: string): string {
  const coc = input.metadata.objects.categoryOptionCombos.byId.get(cocId)
  return (coc?.categoryOptions ?? []).map((o) => o.id).join(';')
}
