// Test-only: the bridge as the app sees it through the DHIS2 route — its answers (shapes of bridge-service/src/api)
// and the errors DHIS2 or the bridge give, turned into the data engine's FetchError exactly as app-runtime's
// fetchData does (type access for 401/403/409, unknown with "(status)" in the message otherwise).
import { FetchError } from '@dhis2/app-runtime'
import { proofKey } from '../../shared/bridge/routeProof'
import type {
  Dhis2Message,
  HmisLineStatus,
  HmisPush,
  HmisPushStart,
  HmisReportLine,
  MappingIssue,
  OutboundDelivery,
  Paged,
  RecordDetail,
  RecordEvent,
  RecordStatus,
  RecordSummary,
  ReleasePreview,
  Run,
  RunDetail,
  RunDiff,
  Source,
  StatusCounts,
} from '../api/types'

export const ROUTE_PREFIX = 'routes/relais-bridge/run/api/v1/'

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** The FetchError app-runtime throws for an HTTP answer `status` with JSON `body` (undefined: empty body). */
export function httpError(status: number, body?: Record<string, unknown>): FetchError {
  if (status === 401 || status === 403 || status === 409) {
    const message = typeof body?.message === 'string' ? body.message : status === 401 ? 'Unauthorized' : 'Forbidden'
    return new FetchError({ type: 'access', message, details: body ?? {} })
  }
  return new FetchError({
    type: 'unknown',
    message: `An unknown error occurred - ${STATUS_TEXT[status] ?? ''} (${status})`,
    details: body ?? {},
  })
}

/** DHIS2's WebMessage, as DHIS2 (and the stand-in) answers for the route itself. */
export const webMessage = (status: number, message: string, errorCode?: string) => ({
  httpStatus: STATUS_TEXT[status] ?? '',
  httpStatusCode: status,
  status: 'ERROR',
  message,
  ...(errorCode ? { errorCode } : {}),
})

export const ROUTE_MISSING = httpError(404, webMessage(404, 'Route relais-bridge not found', 'E1005'))
export const BRIDGE_REFUSED = httpError(
  503,
  webMessage(503, 'I/O error on GET request for "http://127.0.0.1:3999/api/v1/sources": Connection refused'),
)
export const BRIDGE_TIMEOUT = httpError(504)

export const counts = (values: Partial<Record<RecordStatus, number>>): StatusCounts => {
  const all: StatusCounts = {
    received: 0,
    mapped: 0,
    imported: 0,
    unchanged: 0,
    quarantined: 0,
    discarded: 0,
    failed: 0,
    total: 0,
    ...values,
  }
  all.total = all.received + all.mapped + all.imported + all.unchanged + all.quarantined + all.discarded + all.failed
  return all
}

export const T0 = '2026-10-03T09:00:00.000Z'

export function run(id: string, overrides: Partial<Run> = {}): Run {
  return {
    id,
    source: 'csv-partenaires',
    mode: 'import',
    trigger: 'api',
    status: 'completed',
    actor: 'gestionnaire',
    detail: { intake: 'complete' },
    finalCounts: null,
    startedAt: T0,
    finishedAt: '2026-10-03T09:00:42.000Z',
    ...overrides,
  }
}

export const SOURCES: Source[] = [
  {
    name: 'csv-partenaires',
    kind: 'csv',
    description: 'Tableur mensuel des partenaires',
    enabled: true,
    mapping: 'csv-partenaires.yaml',
    allowLateData: false,
    schedule: null,
    maxUploadMegabytes: 20,
    lastRun: run('run-1', { finalCounts: counts({ imported: 3, quarantined: 1 }) }),
    lastRunCounts: counts({ imported: 3, quarantined: 1 }),
    health: 'attention',
  },
  {
    name: 'kobo-rapport-rc',
    kind: 'kobo',
    description: null,
    enabled: true,
    mapping: 'kobo-rapport-rc.yaml',
    allowLateData: false,
    schedule: '0 * * * *',
    maxUploadMegabytes: null,
    lastRun: null,
    lastRunCounts: null,
    health: 'never-run',
  },
]

/** The CSV row of a quarantined record: `vad` is negative, which RC_VAD (INTEGER_ZERO_OR_POSITIVE) refuses. */
export const RAW_ROW = { code_rc: 'RC-BO-00002', mois: '2026-09', vad: '-5', causeries: '3' }

export const VAD_ISSUE: MappingIssue = {
  code: 'E7619',
  field: 'vad',
  raw: '-5',
  dataElement: 'RC_VAD',
  message: {
    en: 'Value must be zero or a positive integer',
    fr: 'La valeur doit être zéro ou un entier positif',
  },
}

function summary(id: string, overrides: Partial<RecordSummary> = {}): RecordSummary {
  return {
    id,
    source: 'csv-partenaires',
    sourceKey: 'RC-BO-00001|2026-09',
    version: '1',
    contentHash: 'h1',
    status: 'imported',
    reason: null,
    period: '202609',
    orgUnit: 'ouRcBo00001',
    rcCode: 'RC-BO-00001',
    attempts: 1,
    lastError: null,
    runId: 'run-1',
    createdAt: T0,
    updatedAt: '2026-10-03T09:00:30.000Z',
    ...overrides,
  }
}

const event = (id: string, at: string, from: RecordStatus | null, to: RecordStatus, actor: string): RecordEvent => ({
  id,
  at,
  actor,
  fromStatus: from,
  toStatus: to,
  reason: to === 'quarantined' ? 'invalid' : null,
  detail: null,
})

export function importedRecord(): RecordDetail {
  return {
    record: { ...summary('rec-ok'), raw: { code_rc: 'RC-BO-00001', mois: '2026-09', vad: '25' }, mapped: {} },
    history: [
      event('e1', '2026-10-03T09:00:01.000Z', null, 'received', 'gestionnaire'),
      event('e2', '2026-10-03T09:00:02.000Z', 'received', 'mapped', 'map-worker'),
      event('e3', '2026-10-03T09:00:30.000Z', 'mapped', 'imported', 'push-worker'),
    ],
    historyTotal: 3,
    dhis2Messages: [],
    versions: [{ id: 'rec-ok', version: '1', status: 'imported', createdAt: T0 }],
  }
}

export function quarantinedRecord(): RecordDetail {
  return {
    record: {
      ...summary('rec-q', {
        sourceKey: 'RC-BO-00002|2026-09',
        rcCode: 'RC-BO-00002',
        orgUnit: 'ouRcBo00002',
        status: 'quarantined',
        reason: 'invalid',
        attempts: 0,
        lastError: { kind: 'invalid', errors: [VAD_ISSUE], warnings: [], orgUnit: 'RC-BO-00002', period: '202609' },
      }),
      raw: { ...RAW_ROW },
      mapped: null,
    },
    history: [
      event('q1', '2026-10-03T09:00:01.000Z', null, 'received', 'gestionnaire'),
      event('q2', '2026-10-03T09:00:02.000Z', 'received', 'quarantined', 'map-worker'),
    ],
    historyTotal: 2,
    dhis2Messages: [],
    versions: [{ id: 'rec-q', version: '1', status: 'quarantined', createdAt: T0 }],
  }
}

/** A record DHIS2 refused (409 conflict): its messages come from DHIS2's import summary. */
export function conflictRecord(): RecordDetail {
  const base = quarantinedRecord()
  const messages: Dhis2Message[] = [
    {
      at: '2026-10-03T09:00:20.000Z',
      status: 'quarantined',
      message: 'Period: `202609` is after latest open future period: `202608` for data element: `RC_VAD`',
      errorCode: 'E7641',
    },
  ]
  return {
    ...base,
    record: { ...base.record, id: 'rec-c', reason: 'conflict', lastError: { kind: 'conflict', rejected: [] } },
    dhis2Messages: messages,
  }
}

/** A record whose import would replace a value an RC entered (issue 13 §2): quarantined, reason overwrite. */
export function overwriteRecord(): RecordDetail {
  const base = quarantinedRecord()
  return {
    ...base,
    record: { ...base.record, id: 'rec-o', reason: 'overwrite', lastError: null },
    history: [
      event('o1', '2026-10-03T09:00:01.000Z', null, 'received', 'gestionnaire'),
      event('o2', '2026-10-03T09:00:02.000Z', 'received', 'mapped', 'map-worker'),
      {
        ...event('o3', '2026-10-03T09:00:20.000Z', 'mapped', 'quarantined', 'pipeline:push'),
        reason: 'overwrite',
        detail: {
          overwrites: [
            {
              dataElement: 'deRcVad0001',
              categoryOptionCombo: 'cocDefault1',
              attributeOptionCombo: 'cocDefault1',
              period: '202609',
              orgUnit: 'ouRcBo00002',
              dhis2: { value: '777', storedBy: 'relais', lastUpdated: '2026-10-02T18:12:00.000' },
              incoming: '25',
            },
          ],
        },
      },
    ],
    historyTotal: 3,
  }
}

/** A delivery to a partner, as GET outbound lists it: by default one the partner refused (HTTP 400). */
export function delivery(id: string, overrides: Partial<OutboundDelivery> = {}): OutboundDelivery {
  return {
    id,
    subscription: 'partenaire-fhi',
    event: 'run.finished',
    payload: { runId: 'run-1', source: 'csv-partenaires' },
    status: 'failed',
    attempts: 1,
    round: 0,
    lastStatus: 400,
    lastError: 'HTTP 400 Bad Request',
    history: [{ at: T0, httpStatus: 400, error: 'HTTP 400 Bad Request' }],
    nextAttemptAt: null,
    createdAt: T0,
    deliveredAt: null,
    ...overrides,
  }
}

/** A push to the national HMIS, as GET hmis/pushes lists it: by default October 2026's, done. */
export function hmisPush(id: string, overrides: Partial<HmisPush> = {}): HmisPush {
  return {
    id,
    mode: 'push',
    period: '202610',
    actor: 'gestionnaire',
    trigger: 'api',
    specId: 'national-hmis',
    specVersion: 1,
    status: 'done',
    counts: {},
    importCounts: null,
    error: null,
    startedAt: T0,
    finishedAt: '2026-10-03T09:00:12.000Z',
    ...overrides,
  }
}

/** One line of a reconciliation report: by default a value sent and held the same at the national instance. */
export function hmisLine(overrides: Partial<HmisReportLine> = {}): HmisReportLine {
  return {
    period: '202610',
    orgUnit: 'ZS-AQ-01',
    dataElement: 'RC_VAD.default',
    nationalOrgUnit: 'SNIGS-ZS-AQ01',
    nationalDataElement: 'SNIGS_SC_VAD.default',
    programmeValue: '42',
    nationalValue: '42',
    status: 'match',
    ...overrides,
  }
}

/** The line of a zone the national instance lacks (createNationalState's NATIONAL_MISSING_ZONE): refused. */
export function refusedLine(overrides: Partial<HmisReportLine> = {}): HmisReportLine {
  return hmisLine({
    orgUnit: 'ZS-MO-04',
    nationalOrgUnit: 'SNIGS-ZS-MO04',
    nationalValue: undefined,
    status: 'refused',
    reason: {
      en: 'refused by the national DHIS2: Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
      fr: 'refusé par le DHIS2 national : Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
    },
    conflict: 'Organisation unit not found or not accessible: `SNIGS-ZS-MO04`',
    ...overrides,
  })
}

/** As the ledger (reconcile.ts countByStatus): the lines per status, every status present. */
export function lineCounts(lines: readonly HmisReportLine[]): Record<HmisLineStatus, number> {
  const all: Record<HmisLineStatus, number> = {
    match: 0,
    different: 0,
    'missing-at-national': 0,
    unmapped: 0,
    refused: 0,
    'national-only': 0,
  }
  for (const l of lines) all[l.status]++
  return all
}

/**
 * The bridge's answer to a push when relais.config.yaml has no `hmis:` (api/routes/hmis.ts NOT_CONFIGURED, 409
 * state-conflict): the same words, so that a test of a refused push shows the real answer.
 */
export const HMIS_NOT_CONFIGURED =
  'No national HMIS is configured in this bridge: add an `hmis:` section to relais.config.yaml ' +
  '(aucun SNIS national configuré : ajoutez une section `hmis:` à relais.config.yaml)'

export interface Request {
  type: string
  path: string
  params: Record<string, unknown>
  data?: unknown
}

type Handler = (request: Request) => unknown

/**
 * A bridge in memory. Runs advance one snapshot per GET (`runScripts`), released records go on to DHIS2 (mapped,
 * then imported on the next GET), `fail` makes every call fail as DHIS2 or the bridge would.
 */
export class FakeBridge {
  sources: Source[] = SOURCES.map((s) => ({ ...s }))
  runs: Run[] = [run('run-1', { finalCounts: counts({ imported: 3, quarantined: 1 }) })]
  runScripts = new Map<string, RunDetail[]>()
  /** What releasing a record would write (POST quarantine/{id}/preview); none listed: nothing changes. */
  previews = new Map<string, Omit<ReleasePreview, 'id'>>()
  /** Dry runs' diffs (GET runs/{id}/diff). */
  diffs = new Map<string, RunDiff>()
  records = new Map<string, RecordDetail>([
    ['rec-ok', importedRecord()],
    ['rec-q', quarantinedRecord()],
  ])
  /**
   * The national HMIS (undefined: no `hmis:` in the bridge's config): its pushes newest first and their reports. A
   * push started by POST is running at its first GET and done with `nextHmisLines` (its mode's) at the next.
   * `configured: false`: an `hmis:` turned off (`enabled: false`), its earlier pushes still in the ledger.
   */
  hmis: { pushes: HmisPush[]; lines: Map<string, HmisReportLine[]>; configured?: boolean } | undefined = {
    pushes: [],
    lines: new Map(),
  }
  nextHmisLines: (mode: HmisPush['mode']) => HmisReportLine[] = () => [hmisLine()]
  private newPushes = 0
  /** Deliveries to partners, newest first; a retried one is delivered at the next GET, as a partner back up. */
  outbound: OutboundDelivery[] = []
  requests: Request[] = []
  /** Every call fails with this, when set (route missing, bridge down…). */
  fail: Error | undefined
  /** The bridge re-validates a release: errors for a corrected record it still refuses. */
  validate: (raw: Record<string, unknown>) => MappingIssue[] = (raw) =>
    Number(raw.vad) >= 0 && /^\d+$/.test(String(raw.vad)) ? [] : [{ ...VAD_ISSUE, raw: String(raw.vad) }]
  /** Extra handlers, tried first: `METHOD path` → answer (throw to fail). */
  overrides = new Map<string, Handler>()
  private newRuns = 0
  /** The route proofs written in DHIS2's data store (their keys), as the real bridge would read them. */
  readonly proofKeys = new Set<string>()
  /** How many proofs were written: a renewed proof shows here. */
  proofsWritten = 0

  proofWritten(type: string, key: string): void {
    if (type === 'delete') this.proofKeys.delete(key)
    else {
      this.proofKeys.add(key)
      this.proofsWritten++
    }
  }

  /** As the bridge: a call through the route without a known proof is refused (401 route-proof-…). */
  checkProof(proof: unknown): void {
    if (typeof proof !== 'string' || proof === '')
      throw httpError(401, { error: 'unauthorized', reason: 'route-proof-missing', message: 'relaisProof is missing' })
    if (!this.proofKeys.has(proofKey(proof)))
      throw httpError(401, { error: 'unauthorized', reason: 'route-proof-refused', message: 'DHIS2 does not vouch' })
  }

  handle(request: Request): unknown {
    this.requests.push(request)
    if (this.fail) throw this.fail
    const override = this.overrides.get(`${request.type} ${request.path}`)
    if (override) return override(request)
    const { type, path, params } = request
    const parts = path.split('/')
    if (type === 'read' && path === 'sources') return paged(this.sources, params)
    if (type === 'read' && path === 'runs') {
      // As the bridge: every run with the live counts of its records.
      const items = this.runs
        .filter((r) => !params.source || r.source === params.source)
        .map((r) => ({ ...r, counts: this.runScripts.get(r.id)?.[0]?.counts ?? r.finalCounts ?? counts({}) }))
      return paged(items, params)
    }
    if (type === 'create' && path === 'runs')
      return this.startRun(request.data as { source: string; mode: Run['mode'] })
    if (type === 'read' && parts[0] === 'runs' && parts.length === 2) return this.runDetail(parts[1]!)
    if (type === 'read' && parts[0] === 'runs' && parts[2] === 'diff') {
      const diff = this.diffs.get(parts[1]!)
      if (diff) return diff
      if (!this.runs.some((r) => r.id === parts[1]) && !this.runScripts.has(parts[1]!))
        throw httpError(404, { error: 'not-found', message: `Run ${parts[1]} was not found` })
      // As the bridge: a run none of whose records reached DHIS2's check has an empty diff.
      const none = { new: 0, changed: 0, same: 0, overwrite: 0, refused: 0 }
      return { records: 0, totals: none, rows: [], lines: [], truncated: false }
    }
    if (type === 'read' && path === 'records') return paged(this.search(params), params)
    if (type === 'read' && parts[0] === 'records' && parts.length === 2) return this.recordDetail(parts[1]!)
    if (type === 'read' && path === 'quarantine')
      return paged(this.search({ ...params, status: 'quarantined' }), params)
    if (type === 'create' && parts[0] === 'records' && parts[2] === 'uncomplete') {
      const detail = this.records.get(parts[1]!)
      if (!detail) throw httpError(404, { error: 'not-found', message: `Record ${parts[1]} was not found` })
      const now = new Date().toISOString()
      detail.history.push({
        id: `u-${detail.history.length}`,
        at: now,
        actor: 'gestionnaire',
        fromStatus: detail.record.status,
        toStatus: detail.record.status,
        reason: 'uncompleted-in-dhis2',
        detail: { note: (request.data as { reason?: string }).reason },
      })
      return { id: parts[1], status: 'uncompleted' }
    }
    if (type === 'read' && path === 'outbound') {
      for (const [i, d] of this.outbound.entries())
        if (d.status === 'pending' && d.round > 0)
          this.outbound[i] = {
            ...d,
            status: 'delivered',
            attempts: 1,
            lastStatus: 200,
            lastError: null,
            nextAttemptAt: null,
            deliveredAt: T0,
            history: [...d.history, { at: T0, httpStatus: 200, error: null }],
          }
      return paged(
        this.outbound.filter((d) => !params.status || d.status === params.status),
        params,
      )
    }
    if (type === 'create' && parts[0] === 'outbound' && parts[2] === 'retry') return this.retryOutbound(parts[1]!)
    if (type === 'read' && path === 'hmis/pushes')
      return {
        items: (this.hmis?.pushes ?? []).slice(0, Number(params.limit ?? 24)),
        configured: this.hmisConfigured(),
      }
    if (type === 'create' && path === 'hmis/pushes') return this.startHmisPush(request.data as HmisPushStart)
    if (type === 'read' && parts[0] === 'hmis' && parts[1] === 'pushes' && parts.length === 3)
      return this.hmisReport(decodeURIComponent(parts[2]!), params)
    if (type === 'create' && path === 'quarantine/bulk')
      return this.bulk(request.data as { action: 'release' | 'discard'; ids: string[]; reason: string })
    if (type === 'create' && parts[0] === 'quarantine' && parts[2] === 'preview')
      return this.preview(parts[1]!, request.data as { corrected?: Record<string, unknown> })
    if (type === 'create' && parts[0] === 'quarantine' && parts[2] === 'release')
      return this.release(parts[1]!, request.data as { corrected?: Record<string, unknown> })
    if (type === 'create' && parts[0] === 'quarantine' && parts[2] === 'discard')
      return this.discard(parts[1]!, request.data as { reason?: string })
    throw httpError(404, { error: 'not-found', message: `No such endpoint: ${type} ${path}` })
  }

  requestsTo(type: string, path: string): Request[] {
    return this.requests.filter((r) => r.type === type && r.path === path)
  }

  /** As the bridge (outbound/outbound.ts): only a failed delivery is sent again, from a new round. */
  private retryOutbound(id: string): OutboundDelivery {
    const i = this.outbound.findIndex((d) => d.id === id)
    const found = this.outbound[i]
    if (!found) throw httpError(404, { error: 'not-found', message: `Outbound delivery ${id} was not found` })
    if (found.status !== 'failed')
      throw httpError(409, {
        error: 'state-conflict',
        message: `Outbound delivery ${id} is ${found.status}, not failed.`,
      })
    const retried: OutboundDelivery = {
      ...found,
      status: 'pending',
      attempts: 0,
      round: found.round + 1,
      nextAttemptAt: T0,
    }
    this.outbound[i] = retried
    return retried
  }

  /** As the bridge's list says it (api/routes/hmis.ts): an `hmis:` that is there and enabled. */
  private hmisConfigured(): boolean {
    return this.hmis !== undefined && this.hmis.configured !== false
  }

  /** As the bridge (api/routes/hmis.ts): 409 without `hmis:`, else a running push answered at once. */
  private startHmisPush({ period, mode = 'push' }: HmisPushStart): HmisPush {
    if (!this.hmis || !this.hmisConfigured())
      throw httpError(409, { error: 'state-conflict', message: HMIS_NOT_CONFIGURED })
    const push = hmisPush(`push-new-${++this.newPushes}`, {
      mode,
      period: period.replace('-', ''),
      status: 'running',
      finishedAt: null,
    })
    this.hmis.pushes.unshift(push)
    return push
  }

  /** A push and a page of its report's lines (of one status); a running push is done when asked next. */
  private hmisReport(id: string, params: Record<string, unknown>) {
    const i = this.hmis?.pushes.findIndex((p) => p.id === id) ?? -1
    const found = this.hmis?.pushes[i]
    if (!this.hmis || !found)
      throw httpError(404, { error: 'not-found', message: `National HMIS push ${id} was not found` })
    const answer = structuredClone(found)
    if (found.status === 'running') {
      const lines = this.nextHmisLines(found.mode).map((l) => ({ ...l, period: found.period }))
      this.hmis.lines.set(id, lines)
      this.hmis.pushes[i] = { ...found, status: 'done', counts: lineCounts(lines), finishedAt: T0 }
    }
    const lines = answer.status === 'running' ? [] : (this.hmis.lines.get(id) ?? [])
    const { items, pager } = paged(
      lines.filter((l) => !params.status || l.status === params.status),
      { page: params.page ?? 1, pageSize: params.pageSize ?? 20 },
    )
    return { push: answer, lines: items, pager }
  }

  private startRun({ source, mode }: { source: string; mode: Run['mode'] }) {
    if (!this.sources.some((s) => s.name === source))
      throw httpError(404, { error: 'unknown-source', message: `Unknown source "${source}"` })
    const id = `run-new-${++this.newRuns}`
    const script = this.runScripts.get('next') ?? []
    this.runScripts.delete('next')
    this.runScripts.set(
      id,
      script.map((d) => ({ ...d, run: { ...d.run, id, source, mode } })),
    )
    this.runs.unshift(run(id, { source, mode, status: 'running', finishedAt: null }))
    return { id }
  }

  private runDetail(id: string): RunDetail {
    const script = this.runScripts.get(id)
    if (script && script.length > 0) {
      const next = script.length > 1 ? script.shift()! : script[0]!
      return next
    }
    const found = this.runs.find((r) => r.id === id)
    if (!found) throw httpError(404, { error: 'not-found', message: `Run ${id} was not found` })
    return { run: found, counts: found.finalCounts ?? counts({}) }
  }

  private search(params: Record<string, unknown>): RecordSummary[] {
    const statuses = typeof params.status === 'string' ? params.status.split(',') : undefined
    return [...this.records.values()]
      .map((d) => d.record)
      .filter(
        (r) =>
          (!params.rcCode || r.rcCode === params.rcCode) &&
          (!params.period || r.period === params.period) &&
          (!params.sourceKey || r.sourceKey === params.sourceKey) &&
          (!params.runId || r.runId === params.runId) &&
          (!params.source || r.source === params.source) &&
          (!statuses || statuses.includes(r.status)),
      )
      .map(({ raw: _raw, mapped: _mapped, ...summary }) => summary)
  }

  private recordDetail(id: string): RecordDetail {
    const detail = this.records.get(id)
    if (!detail) throw httpError(404, { error: 'not-found', message: `Record ${id} was not found` })
    // The pipeline moves a released record on: mapped now, imported when asked next time.
    if (detail.record.status === 'mapped') {
      const answer = structuredClone(detail)
      this.transition(detail, 'imported', 'push-worker')
      return answer
    }
    return structuredClone(detail)
  }

  private transition(detail: RecordDetail, to: RecordStatus, actor: string, reason: string | null = null) {
    const from = detail.record.status
    detail.record.status = to
    detail.record.reason = reason
    detail.history.push({
      id: `ev-${detail.history.length + 1}`,
      at: '2026-10-03T09:05:00.000Z',
      actor,
      fromStatus: from,
      toStatus: to,
      reason,
      detail: null,
    })
    detail.historyTotal = detail.history.length
  }

  private quarantined(id: string): RecordDetail {
    const detail = this.records.get(id)
    if (!detail) throw httpError(404, { error: 'not-found', message: `Record ${id} was not found` })
    if (detail.record.status !== 'quarantined')
      throw httpError(409, {
        error: 'state-conflict',
        message: `Record ${id} is ${detail.record.status}, not quarantined.`,
      })
    return detail
  }

  private preview(id: string, body: { corrected?: Record<string, unknown> }): ReleasePreview {
    const detail = this.quarantined(id)
    const errors = this.validate(body.corrected ?? (detail.record.raw as Record<string, unknown>))
    const none = { new: 0, changed: 0, same: 0, overwrite: 0, refused: 0 }
    const { period, orgUnit } = detail.record
    if (errors.length > 0) return { id, period, orgUnit, counts: none, lines: [], errors }
    return { id, ...(this.previews.get(id) ?? { period, orgUnit, counts: none, lines: [] }) }
  }

  private release(id: string, body: { corrected?: Record<string, unknown> }) {
    const detail = this.quarantined(id)
    const raw = body.corrected ?? (detail.record.raw as Record<string, unknown>)
    const errors = this.validate(raw)
    if (errors.length > 0) return { id, status: 'quarantined', errors }
    if (body.corrected) detail.record.raw = body.corrected
    detail.record.lastError = null
    this.transition(detail, 'mapped', 'gestionnaire')
    return { id, status: 'mapped' }
  }

  /** As the bridge: one outcome per record, a refused one never stopping the others. */
  private bulk({ action, ids, reason }: { action: 'release' | 'discard'; ids: string[]; reason: string }) {
    return {
      results: ids.map((id) => {
        try {
          return action === 'discard' ? this.discard(id, { reason }) : this.release(id, {})
        } catch {
          return { id, status: 'refused', error: 'state-conflict' }
        }
      }),
    }
  }

  private discard(id: string, body: { reason?: string }) {
    const reason = body.reason?.trim()
    if (!reason)
      throw httpError(400, {
        error: 'invalid-request',
        message: 'Invalid request: body.reason: a reason is required to discard a record',
        issues: [{ path: 'body.reason', message: 'a reason is required to discard a record' }],
      })
    const detail = this.quarantined(id)
    this.transition(detail, 'discarded', 'gestionnaire', reason)
    return { id, status: 'discarded' }
  }
}

function paged<T>(items: T[], params: Record<string, unknown>): Paged<T> {
  const page = Number(params.page ?? 1)
  const pageSize = Number(params.pageSize ?? 50)
  return {
    items: items.slice((page - 1) * pageSize, page * pageSize),
    pager: { page, pageSize, total: items.length, pageCount: Math.ceil(items.length / pageSize) },
  }
}
