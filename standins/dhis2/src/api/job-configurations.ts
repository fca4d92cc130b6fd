/**
 * Scheduled jobs as DHIS2 2.41 keeps them (core@2.41 `WEBAPI/controller/scheduling/JobConfigurationController`,
 * `DXF2/metadata/objectbundle/hooks/JobConfigurationObjectBundleHook`, `API/scheduling/JobConfiguration`,
 * `JobType`, `parameters/AnalyticsJobParameters`, `CORE/scheduling/DefaultJobSchedulerService.executeNow`;
 * setup-ops §7). Only ANALYTICS_TABLE jobs do something here: they generate the analytics tables
 * (../analytics/tables.ts), which moves `/api/system/info`'s `lastAnalyticsTableSuccess`.
 * - `POST /api/jobConfigurations` (F_SCHEDULING_ADMIN or ALL): `{name, jobType, cronExpression | delay,
 *   jobParameters}` → 201 ObjectReport; an invalid Spring cron → 409 E7005 (its message keeps the literal
 *   `{0}`: the hook passes no argument), CRON without expression → E7004, another job of the same type with
 *   the same cron → E7000, no name → E4000, a name in use → E5003; an unknown jobType → 400 (Jackson), a
 *   system job type → 409 "Job … must be configurable but was not.".
 * - `GET /api/jobConfigurations[?filter=jobType:eq:ANALYTICS_TABLE&fields=…]` (default fields
 *   `id,displayName`, `*` for all) and `GET /api/jobConfigurations/{id}`: `jobStatus`, `lastExecuted`,
 *   `lastExecutedStatus` (NOT_STARTED → RUNNING → COMPLETED | FAILED), `lastFinished`, `nextExecutionTime`…
 * - `PUT /api/jobConfigurations/{id}`, `DELETE …/{id}`, `POST …/{id}/enable|disable` (204).
 * - `POST /api/jobConfigurations/{id}/execute` → 200 `{klass, index: 0, errorReports: []}` and the job runs
 *   on the next turn of the event loop; unknown id → 404 E1005, already running → 409.
 * Enabled CRON jobs also run when their time comes: a one-second timer (unref'd) compares the stand-in's
 * clock with each job's next execution, so moving the clock (`/api/testing/clock`) past it runs the job.
 */
import express, { type Request, type Router } from 'express'
import { generateUid, isValidUid } from '@relais/mappings'
import type { StandinContext } from '../context'
import { HttpError, webMessage } from '../http/web-message'
import { parseFields, renderObject, type RenderContext } from '../query/fields'
import { parseFilter } from '../query/filters'
import { runAnalyticsTables } from '../analytics/tables'
import { isValidCron, nextExecution } from '../quality/cron'
import type { JobConfigurationRecord } from '../store/state'

const KLASS = 'org.hisp.dhis.scheduling.JobConfiguration'
const CONFLICT = 'One or more errors occurred, please see full details in import report.'

/** `JobType.isUserDefined()` types (core@2.41 `JobType`, those without scheduling defaults). */
const USER_DEFINED = [
  'DATA_INTEGRITY',
  'DATA_INTEGRITY_DETAILS',
  'RESOURCE_TABLE',
  'ANALYTICS_TABLE',
  'CONTINUOUS_ANALYTICS_TABLE',
  'DATA_SYNC',
  'TRACKER_PROGRAMS_DATA_SYNC',
  'EVENT_PROGRAMS_DATA_SYNC',
  'META_DATA_SYNC',
  'AGGREGATE_DATA_EXCHANGE',
  'SEND_SCHEDULED_MESSAGE',
  'PROGRAM_NOTIFICATIONS',
  'MONITORING',
  'PUSH_ANALYSIS',
  'HTML_PUSH_ANALYTICS',
  'TRACKER_SEARCH_OPTIMIZATION',
  'PREDICTOR',
  'MATERIALIZED_SQL_VIEW_UPDATE',
  'DISABLE_INACTIVE_USERS',
  'TEST',
  'LOCK_EXCEPTION_CLEANUP',
]
/** Job types that exist but are not user-defined (imports and system jobs). */
const NOT_CONFIGURABLE = [
  'MOCK',
  'SMS_SEND',
  'TRACKER_IMPORT_JOB',
  'TRACKER_IMPORT_NOTIFICATION_JOB',
  'TRACKER_IMPORT_RULE_ENGINE_JOB',
  'IMAGE_PROCESSING',
  'COMPLETE_DATA_SET_REGISTRATION_IMPORT',
  'DATAVALUE_IMPORT_INTERNAL',
  'METADATA_IMPORT',
  'DATAVALUE_IMPORT',
  'GEOJSON_IMPORT',
  'EVENT_IMPORT',
  'ENROLLMENT_IMPORT',
  'TEI_IMPORT',
  'GML_IMPORT',
  'HOUSEKEEPING',
  'DATA_VALUE_TRIM',
  'DATA_SET_NOTIFICATION',
  'CREDENTIALS_EXPIRY_ALERT',
  'DATA_STATISTICS',
  'FILE_RESOURCE_CLEANUP',
  'ACCOUNT_EXPIRY_ALERT',
  'VALIDATION_RESULTS_NOTIFICATION',
  'REMOVE_USED_OR_EXPIRED_RESERVED_VALUES',
  'SYSTEM_VERSION_UPDATE_CHECK',
]
const ALL_TYPES = [...USER_DEFINED, ...NOT_CONFIGURABLE]
const TABLE_TYPES = [
  'DATA_VALUE',
  'COMPLETENESS',
  'COMPLETENESS_TARGET',
  'ORG_UNIT_TARGET',
  'VALIDATION_RESULT',
  'EVENT',
  'ENROLLMENT',
  'OWNERSHIP',
  'TRACKED_ENTITY_INSTANCE',
  'TRACKED_ENTITY_INSTANCE_EVENTS',
  'TRACKED_ENTITY_INSTANCE_ENROLLMENTS',
]

function errorReport(message: string, errorCode: string, property?: string, args: unknown[] = []) {
  return {
    message,
    mainKlass: KLASS,
    errorCode,
    ...(property ? { errorProperty: property } : {}),
    errorProperties: args,
  }
}

function objectReport(httpStatusCode: number, uid: string | undefined, errorReports: unknown[] = []) {
  return webMessage(httpStatusCode, errorReports.length > 0 ? CONFLICT : undefined, {
    status: errorReports.length > 0 ? 'ERROR' : 'OK',
    response: { responseType: 'ObjectReport', ...(uid ? { uid } : {}), klass: KLASS, errorReports },
  })
}

/** `AnalyticsJobParameters` with its defaults (what `setDefaultJobParameters` / Jackson leave). */
function analyticsParameters(raw: unknown): Record<string, unknown> {
  const p = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
  const skipTableTypes = Array.isArray(p.skipTableTypes) ? p.skipTableTypes.map(String) : []
  for (const t of skipTableTypes)
    if (!TABLE_TYPES.includes(t))
      throw new HttpError(
        400,
        `JSON parse error: Cannot deserialize value of type \`org.hisp.dhis.analytics.AnalyticsTableType\` from String "${t}": not one of the values accepted for Enum class: [${TABLE_TYPES.join(', ')}]`,
      )
  const lastYears = p.lastYears === undefined || p.lastYears === null ? undefined : Number(p.lastYears)
  if (lastYears !== undefined && !Number.isInteger(lastYears))
    throw new HttpError(
      400,
      `JSON parse error: Cannot deserialize value of type \`java.lang.Integer\` from ${JSON.stringify(p.lastYears)}`,
    )
  return {
    ...(lastYears !== undefined ? { lastYears } : {}),
    skipTableTypes,
    skipPrograms: Array.isArray(p.skipPrograms) ? p.skipPrograms.map(String) : [],
    skipResourceTables: p.skipResourceTables === true,
    skipOutliers: p.skipOutliers === true,
  }
}

const schedulingTypeOf = (j: JobConfigurationRecord) =>
  j.schedulingType ?? (j.cronExpression ? 'CRON' : j.delay !== undefined ? 'FIXED_DELAY' : 'ONCE_ASAP')

function jobStatusOf(j: JobConfigurationRecord): string {
  if (j.jobStatus) return j.enabled && j.jobStatus === 'DISABLED' ? 'SCHEDULED' : j.jobStatus
  return schedulingTypeOf(j) === 'ONCE_ASAP' ? 'NOT_STARTED' : 'SCHEDULED'
}

/** commons-lang3 `formatDurationHMS` of two local timestamps. */
function runtime(from: string, to: string): string {
  const ms = Math.max(0, Date.parse(`${to}Z`) - Date.parse(`${from}Z`))
  const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, '0')
  return `${pad(ms / 3600000)}:${pad((ms % 3600000) / 60000)}:${pad((ms % 60000) / 1000)}.${pad(ms % 1000, 3)}`
}

/** The JSON DHIS2 writes for a job (nulls omitted), `now` deciding `nextExecutionTime`. */
export function renderJob(j: JobConfigurationRecord, now: string): Record<string, unknown> {
  const enabled = j.enabled
  const schedulingType = schedulingTypeOf(j)
  const next =
    enabled && schedulingType === 'CRON' && j.cronExpression ? nextExecution(j.cronExpression, now) : undefined
  const out: Record<string, unknown> = {
    id: j.id,
    name: j.name,
    displayName: j.name,
    created: j.created,
    lastUpdated: j.lastUpdated,
    ...(j.createdBy ? { createdBy: { id: j.createdBy }, lastUpdatedBy: { id: j.createdBy } } : {}),
    jobType: j.jobType,
    schedulingType,
    ...(j.cronExpression ? { cronExpression: j.cronExpression } : {}),
    ...(j.delay !== undefined ? { delay: j.delay } : {}),
    ...(j.jobParameters ? { jobParameters: j.jobParameters } : {}),
    enabled,
    jobStatus: jobStatusOf(j),
    lastExecutedStatus: j.lastExecutedStatus,
    ...(j.lastExecuted ? { lastExecuted: j.lastExecuted } : {}),
    ...(j.lastFinished ? { lastFinished: j.lastFinished } : {}),
    ...(j.lastAlive ? { lastAlive: j.lastAlive } : {}),
    ...(j.executedBy ? { executedBy: j.executedBy, userUid: j.executedBy } : {}),
    configurable: USER_DEFINED.includes(j.jobType),
    ...(next ? { nextExecutionTime: next } : {}),
    ...(j.lastExecuted && j.lastFinished && j.lastFinished >= j.lastExecuted
      ? { lastRuntimeExecution: runtime(j.lastExecuted, j.lastFinished) }
      : {}),
    leaderOnlyJob: true,
    sharing: { external: false, users: {}, userGroups: {}, public: 'rw------' },
    translations: [],
    attributeValues: [],
  }
  return out
}

const PLAIN: RenderContext = { resolve: () => undefined, computed: () => undefined, computedNames: () => [] }

/** Runs a job now (ANALYTICS_TABLE generates the tables; other types only record a run). */
export function runJob(ctx: StandinContext, job: JobConfigurationRecord): void {
  job.jobStatus = 'RUNNING'
  job.lastExecuted = ctx.clock.timestamp()
  job.lastAlive = job.lastExecuted
  try {
    if (job.jobType === 'ANALYTICS_TABLE') {
      const p = (job.jobParameters ?? {}) as { skipTableTypes?: string[]; lastYears?: number }
      runAnalyticsTables(ctx, {
        skipAggregate: p.skipTableTypes?.includes('DATA_VALUE') === true,
        lastYears: p.lastYears,
      })
    }
    job.lastExecutedStatus = 'COMPLETED'
  } catch {
    job.lastExecutedStatus = 'FAILED'
  }
  job.lastFinished = ctx.clock.timestamp()
  job.lastAlive = job.lastFinished
  job.jobStatus = job.enabled ? 'SCHEDULED' : 'DISABLED'
  if (schedulingTypeOf(job) === 'ONCE_ASAP') job.jobStatus = 'COMPLETED'
}

/** Runs every enabled CRON job whose next execution after its last check has come (the scheduler's tick). */
export function runDueJobs(ctx: StandinContext): void {
  const now = ctx.clock.timestamp()
  for (const job of ctx.state.jobConfigurations ?? []) {
    if (!job.enabled || !job.cronExpression || job.jobStatus === 'RUNNING') continue
    const since = job.checkedAt ?? job.created
    job.checkedAt = now
    const next = nextExecution(job.cronExpression, since)
    if (next !== undefined && next <= now) runJob(ctx, job)
  }
}

/**
 * The scheduler's one-second tick. It runs while the stand-in has jobs and holds the stand-in only weakly
 * (a module-level function, so that its closure cannot reach the registering scope): a closed stand-in —
 * tests start many in one process — is not kept alive by it.
 */
function startScheduler(holder: { timer?: NodeJS.Timeout }, ref: WeakRef<StandinContext>): void {
  if (holder.timer) return
  const timer = setInterval(() => {
    const live = ref.deref()
    if (!live || (live.state.jobConfigurations ?? []).length === 0) {
      clearInterval(timer)
      holder.timer = undefined
      return
    }
    runDueJobs(live)
  }, 1000)
  timer.unref()
  holder.timer = timer
}

export function registerJobConfigurations(router: Router, ctx: StandinContext): void {
  const json = express.json({ type: () => true, limit: '256kb' })
  // The scheduler's tick runs only while there are jobs (see startScheduler).
  const scheduler: { timer?: NodeJS.Timeout } = {}
  const ensureScheduler = () => startScheduler(scheduler, new WeakRef(ctx))
  const jobs = () => {
    const list = (ctx.state.jobConfigurations ??= [])
    if (list.length > 0) ensureScheduler() // a state loaded or reset with jobs gets its scheduler back
    return list
  }
  const find = (id: string) => {
    const job = jobs().find((j) => j.id === id)
    if (!job) throw new HttpError(404, `JobConfiguration with id ${id} could not be found.`, 'E1005')
    return job
  }
  const mayAdmin = (req: Request) => {
    if (!ctx.hasAuthority(ctx.userOf(req), 'F_SCHEDULING_ADMIN'))
      throw new HttpError(403, "You don't have the proper permissions to create this object.")
  }

  if ((ctx.state.jobConfigurations ?? []).length > 0) ensureScheduler()

  /** Reads a body into a job (unknown properties ignored, as Jackson is configured), then the hook's checks. */
  const jobFrom = (
    req: Request,
    existing?: JobConfigurationRecord,
  ): { job: JobConfigurationRecord; errors: unknown[] } => {
    const body = (
      typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? req.body : {}
    ) as Record<string, unknown>
    const jobTypeRaw = existing?.jobType ?? body.jobType
    if (jobTypeRaw !== undefined && (typeof jobTypeRaw !== 'string' || !ALL_TYPES.includes(jobTypeRaw)))
      throw new HttpError(
        400,
        `JSON parse error: Cannot deserialize value of type \`org.hisp.dhis.scheduling.JobType\` from String "${String(jobTypeRaw)}": not one of the values accepted for Enum class: [${ALL_TYPES.join(', ')}]`,
      )
    const cron = typeof body.cronExpression === 'string' && body.cronExpression !== '' ? body.cronExpression : undefined
    const delay = typeof body.delay === 'number' ? body.delay : undefined
    const schedulingType =
      body.schedulingType === 'CRON' || body.schedulingType === 'FIXED_DELAY' || body.schedulingType === 'ONCE_ASAP'
        ? body.schedulingType
        : undefined
    const now = ctx.clock.timestamp()
    const id = existing?.id ?? (typeof body.id === 'string' && isValidUid(body.id) ? body.id : generateUid())
    const jobType = typeof jobTypeRaw === 'string' ? jobTypeRaw : ''
    if (jobType && !USER_DEFINED.includes(jobType))
      throw new HttpError(
        409,
        `Job ${typeof body.name === 'string' ? body.name : id} must be configurable but was not.`,
      )
    const job: JobConfigurationRecord = {
      id,
      name: typeof body.name === 'string' ? body.name : '',
      created: existing?.created ?? now,
      lastUpdated: now,
      createdBy: existing?.createdBy ?? ctx.userOf(req).user.id,
      jobType,
      ...(schedulingType ? { schedulingType } : {}),
      ...(cron ? { cronExpression: cron } : {}),
      ...(delay !== undefined ? { delay } : {}),
      ...(jobType === 'ANALYTICS_TABLE' ? { jobParameters: analyticsParameters(body.jobParameters) } : {}),
      enabled: existing ? existing.enabled : body.enabled !== false,
      lastExecutedStatus: existing?.lastExecutedStatus ?? 'NOT_STARTED',
      ...(existing?.lastExecuted ? { lastExecuted: existing.lastExecuted } : {}),
      ...(existing?.lastFinished ? { lastFinished: existing.lastFinished } : {}),
      ...(existing?.lastAlive ? { lastAlive: existing.lastAlive } : {}),
      executedBy: existing?.executedBy ?? ctx.userOf(req).user.id,
      checkedAt: now,
    }
    const errors: unknown[] = []
    if (!job.name) errors.push(errorReport('Missing required property `name`', 'E4000', 'name', ['name']))
    if (!jobType) errors.push(errorReport('Missing required property `jobType`', 'E4000', 'jobType', ['jobType']))
    const clash = jobs().find((j) => j.id !== job.id && job.name && j.name === job.name)
    if (clash)
      errors.push(
        errorReport(
          `Property \`name\` with value \`${job.name}\` on object ${job.name} [${job.id}] (JobConfiguration) already exists on object ${clash.id}`,
          'E5003',
          'name',
          ['name', job.name],
        ),
      )
    if (schedulingTypeOf(job) === 'CRON') {
      if (!job.cronExpression)
        errors.push(
          errorReport(
            `Cron expression must be not null for job with scheduling type CRON: \`${job.id}\``,
            'E7004',
            undefined,
            [job.id],
          ),
        )
      // The hook builds ErrorReport(E7005) without an argument: Java's MessageFormat leaves `{0}` as it is.
      else if (!isValidCron(job.cronExpression)) errors.push(errorReport('Cron expression is invalid: `{0}`', 'E7005'))
    }
    if (schedulingTypeOf(job) === 'FIXED_DELAY' && job.delay === undefined)
      errors.push(
        errorReport(
          `Delay must be not null for job with scheduling type FIXED_DELAY: \`${job.id}\``,
          'E7007',
          undefined,
          [job.id],
        ),
      )
    for (const other of jobs()) {
      if (other.id === job.id || other.jobType !== job.jobType || !other.cronExpression) continue
      if (other.cronExpression === job.cronExpression)
        errors.push(
          errorReport(
            `Job of same type already scheduled with cron expression: \`${other.cronExpression}\``,
            'E7000',
            undefined,
            [other.cronExpression],
          ),
        )
    }
    return { job, errors }
  }

  router.get(['/jobConfigurations', '/jobConfigurations.json'], (req, res) => {
    const now = ctx.clock.timestamp()
    let items = jobs().map((j) => renderJob(j, now))
    for (const text of [req.query.filter ?? []].flat().map(String)) {
      const f = parseFilter(text)
      const prop = f.path.join('.')
      const wanted = f.value.replace(/^\[|\]$/g, '').split(',')
      items = items.filter((i) => {
        const v = String(i[prop] ?? '')
        if (f.operator === 'eq') return v === f.value
        if (f.operator === '!eq' || f.operator === 'ne' || f.operator === 'neq') return v !== f.value
        if (f.operator === 'in') return wanted.includes(v)
        if (f.operator === '!in') return !wanted.includes(v)
        if (f.operator === 'ilike' || f.operator === 'like') return v.toLowerCase().includes(f.value.toLowerCase())
        return true
      })
    }
    items.sort((a, b) => String(a.name).localeCompare(String(b.name)))
    const fields = parseFields(String(req.query.fields ?? 'id,displayName'))
    const rendered = items.map((i) => renderObject(i, undefined, fields, PLAIN))
    if (String(req.query.paging) === 'false') return res.json({ jobConfigurations: rendered })
    const pageSize = Math.min(Math.max(1, Number(req.query.pageSize ?? 50) || 50), 100000)
    const page = Math.max(1, Number(req.query.page ?? 1) || 1)
    res.json({
      pager: { page, total: rendered.length, pageSize, pageCount: Math.max(1, Math.ceil(rendered.length / pageSize)) },
      jobConfigurations: rendered.slice((page - 1) * pageSize, page * pageSize),
    })
  })

  router.get('/jobConfigurations/:id', (req, res) => {
    const job = find(String(req.params.id))
    const rendered = renderJob(job, ctx.clock.timestamp())
    res.json(
      req.query.fields ? renderObject(rendered, undefined, parseFields(String(req.query.fields)), PLAIN) : rendered,
    )
  })

  router.post('/jobConfigurations', json, (req, res) => {
    mayAdmin(req)
    const { job, errors } = jobFrom(req)
    if (jobs().some((j) => j.id === job.id))
      errors.push(
        errorReport(
          `Property \`id\` with value \`${job.id}\` on object ${job.name} [${job.id}] (JobConfiguration) already exists on object ${job.id}`,
          'E5003',
          'id',
          ['id', job.id],
        ),
      )
    if (errors.length > 0) return res.status(409).json(objectReport(409, job.id, errors))
    jobs().push(job)
    ensureScheduler()
    res.status(201).json(objectReport(201, job.id))
  })

  router.put('/jobConfigurations/:id', json, (req, res) => {
    mayAdmin(req)
    const existing = find(String(req.params.id))
    const { job, errors } = jobFrom(req, existing)
    if (errors.length > 0) return res.status(409).json(objectReport(409, job.id, errors))
    Object.assign(existing, job)
    if (!job.cronExpression) delete existing.cronExpression
    res.json(objectReport(200, job.id))
  })

  router.delete('/jobConfigurations/:id', (req, res) => {
    mayAdmin(req)
    const job = find(String(req.params.id))
    ctx.state.jobConfigurations = jobs().filter((j) => j !== job)
    res.json(objectReport(200, job.id))
  })

  for (const action of ['enable', 'disable'] as const) {
    router.post(`/jobConfigurations/:id/${action}`, (req, res) => {
      const job = find(String(req.params.id))
      if (action === 'enable' && !job.enabled) {
        if (schedulingTypeOf(job) === 'CRON' && !job.cronExpression)
          throw new HttpError(409, 'Job requires schedule setup before it can be enabled.')
        job.enabled = true
        job.checkedAt = ctx.clock.timestamp()
      }
      if (action === 'disable') job.enabled = false
      res.status(204).end()
    })
  }

  router.post('/jobConfigurations/:id/execute', (req, res) => {
    const job = find(String(req.params.id))
    if (job.jobStatus === 'RUNNING') throw new HttpError(409, 'Job is already running.')
    if (schedulingTypeOf(job) === 'ONCE_ASAP' && job.lastFinished) throw new HttpError(409, 'Job did already run once.')
    job.jobStatus = 'RUNNING'
    job.lastExecuted = ctx.clock.timestamp()
    setImmediate(() => runJob(ctx, job))
    res.json({ klass: KLASS, index: 0, errorReports: [] })
  })
}
