/**
 * For the API's tests only: a real ledger (PGlite), a small recording PipelineServices that does what the
 * pipeline promises with the ledger's repositories (the pipeline itself is another module's code), the app
 * on a real port, and the callers of every kind.
 *
 * PGlite in jest needs, at the top of each test file:
 *   jest.mock('@electric-sql/pglite', () => jest.requireActual('../ledger/test-support').nativePglite())
 */
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { Writable } from 'node:stream'
import type { Express } from 'express'
import { relaisConfigSchema, type RelaisConfig } from '../config/relais-config'
import { migrate, repositories, type Db, type LedgerRepositories } from '../ledger'
import { pgliteTestDatabase, type TestDatabase } from '../ledger/test-support'
import { createLogger, type Logger } from '../log/logger'
import {
  StateConflictError,
  UnknownSourceError,
  type Actor,
  type PipelineServices,
  type UploadInput,
  type WebhookDelivery,
} from '../pipeline/services'
import { readFile } from '../sources/files/read-file'
import { createApiApp, type CreateApiAppOptions } from './app'
import type { PageRequest } from '../ledger'
import { reminderSendsRepository, type ReminderSendFilter } from '../ledger/reminder-sends'
import { reminderEffect } from '../reminders/effect'
import type { ReminderService } from '../reminders/reminder-job'
import type { ReminderRule } from '../reminders/rules'
import { securityReportsRepository } from '../ledger/security-reports'
import { compareFindings, type Finding } from '../security/findings'
import type { SecurityService } from '../security/security-check'
import { capacityReport } from '../capacity/capacity-report'
import type { Dhis2Client } from '../dhis2'
import type { UserDirectory } from './auth'
import { createMetrics } from './metrics'
import type { Role } from './roles'

export const ROUTE_SECRET = 'route-secret-0123456789abcdef0123456789abcdef'
export const WEBHOOK_SECRET = 'webhook-secret-0123456789abcdef0123456789'

export const API_KEYS = [
  { name: 'ops', role: 'administrateur' as const, key: 'a'.repeat(40) },
  { name: 'manager-script', role: 'gestionnaire' as const, key: 'g'.repeat(40) },
  { name: 'prometheus', role: 'lecteur' as const, key: 'l'.repeat(40) },
]

/** DHIS2 users (through the route) and their roles. */
export const USERS: Record<string, Role[]> = {
  rc_awa: ['relais'],
  sup_koffi: ['superviseur'],
  gest_ama: ['gestionnaire'],
  admin_yao: ['administrateur'],
}

export const directory: UserDirectory = { rolesOf: async (u) => USERS[u] }

export const SOURCES = {
  kobo: 'kobo-espoir',
  file: 'csv-partenaire',
  webhook: 'emr-hook',
  disabledHook: 'old-hook',
} as const

/** 1 MB upload limit for the file source, so that "10× over" stays quick. */
export const testConfig: RelaisConfig = relaisConfigSchema.parse({
  sources: [
    {
      name: SOURCES.kobo,
      kind: 'kobo',
      url: 'https://kf.kobotoolbox.org',
      asset: 'aBcD3fGh1JkLmN',
      tokenEnv: 'KOBO_TOKEN',
      mapping: 'specs/kobo.yaml',
    },
    { name: SOURCES.file, kind: 'csv', mapping: 'specs/partner.yaml', maxUploadMegabytes: 1 },
    { name: SOURCES.webhook, kind: 'webhook', secretEnv: 'EMR_SECRET', mapping: 'specs/emr.yaml' },
    { name: SOURCES.disabledHook, kind: 'webhook', secretEnv: 'OLD_SECRET', mapping: 'specs/emr.yaml', enabled: false },
  ],
})

export interface Call {
  method: keyof PipelineServices
  args: unknown[]
}

const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex')

/**
 * What the pipeline promises, done directly on the ledger, with every call recorded. `failNext` makes the
 * next call of a method throw the given error (e.g. a crash the API must answer 500 without details).
 */
export class RecordingServices implements PipelineServices {
  readonly calls: Call[] = []
  private readonly failures = new Map<keyof PipelineServices, unknown>()

  constructor(private readonly ledger: LedgerRepositories) {}

  failNext(method: keyof PipelineServices, error: unknown): void {
    this.failures.set(method, error)
  }

  private record(method: keyof PipelineServices, ...args: unknown[]): void {
    this.calls.push({ method, args })
    const failure = this.failures.get(method)
    if (failure !== undefined) {
      this.failures.delete(method)
      throw failure
    }
  }

  private known(source: string) {
    if (!testConfig.sources.some((s) => s.name === source)) throw new UnknownSourceError(source)
  }

  private async audit(actor: Actor, action: string, target: string, detail?: unknown) {
    await this.ledger.audit.append({ actor: actor.name, role: actor.role, action, target, detail })
  }

  async startRun(source: string, mode: 'dry-run' | 'import', actor: Actor) {
    this.record('startRun', source, mode, actor)
    this.known(source)
    const run = await this.ledger.runs.create({ source, mode, trigger: 'api', actor: actor.name })
    await this.audit(actor, 'run.start', `run:${run.id}`, { source, mode })
    return { id: run.id }
  }

  async upload(input: UploadInput, actor: Actor) {
    this.record('upload', { ...input, body: '<stream>' }, actor)
    this.known(input.source)
    const reading = await readFile(input.body, input.filename)
    const run = await this.ledger.runs.create({
      source: input.source,
      mode: input.mode,
      trigger: 'upload',
      actor: actor.name,
      detail: { filename: input.filename },
    })
    const rows = []
    for await (const row of reading.rows) {
      rows.push({
        source: input.source,
        sourceKey: `${input.filename}#${row.rowNumber}`,
        version: hash(row.cells),
        contentHash: hash(row.cells),
        raw: row.cells,
        runId: run.id,
      })
    }
    await this.ledger.records.insertMany(rows, { actor: actor.name })
    await this.audit(actor, 'upload', `run:${run.id}`, { filename: input.filename, rows: rows.length })
    return { id: run.id, rows: rows.length }
  }

  async receive(delivery: WebhookDelivery) {
    this.record('receive', delivery)
    const run = await this.ledger.runs.create({
      source: delivery.source,
      mode: 'import',
      trigger: 'webhook',
      actor: `source:${delivery.source}`,
    })
    const outcomes = await this.ledger.records.insertMany(
      delivery.records.map((raw, i) => ({
        source: delivery.source,
        sourceKey: String((raw as { id?: unknown }).id ?? i),
        version: hash(raw),
        contentHash: hash(raw),
        raw,
        runId: run.id,
      })),
      { actor: `source:${delivery.source}` },
    )
    if (delivery.signature !== undefined) await this.ledger.deliveries.record(delivery.source, [delivery.signature])
    const accepted = outcomes.filter((o) => o.inserted).length
    return { runId: run.id, accepted, duplicates: outcomes.length - accepted }
  }

  deliveryStored(source: string, signature: string) {
    return this.ledger.deliveries.stored(source, signature)
  }

  async cancelRun(runId: string, actor: Actor) {
    this.record('cancelRun', runId, actor)
    await this.ledger.runs.cancel(runId, { actor: actor.name })
    await this.audit(actor, 'run.cancel', `run:${runId}`)
  }

  async retryFailed(runId: string, actor: Actor) {
    this.record('retryFailed', runId, actor)
    const failed = await this.ledger.records.search({ runId, status: 'failed' }, { pageSize: 500 })
    const { moved } = await this.ledger.records.transitionMany(
      failed.items.map((r) => ({ id: r.id })),
      'failed',
      'mapped',
      { actor: actor.name, resetAttempts: true },
    )
    await this.audit(actor, 'run.retry-failed', `run:${runId}`, { retried: moved.length })
    return { retried: moved.length }
  }

  async release(recordId: string, actor: Actor, corrected?: unknown) {
    this.record('release', recordId, actor, corrected)
    const invalid = (corrected as { value?: unknown } | undefined)?.value === 'still wrong'
    if (invalid) return { status: 'quarantined', errors: [{ field: 'value', message: 'must be a number' }] }
    await this.ledger.records.transition(recordId, 'quarantined', 'mapped', {
      actor: actor.name,
      ...(corrected === undefined ? {} : { mapped: corrected, detail: { corrected } }),
    })
    await this.audit(actor, 'quarantine.release', `record:${recordId}`, { corrected: corrected !== undefined })
    return { status: 'mapped' }
  }

  async previewRelease(recordId: string, corrected?: unknown) {
    this.record('previewRelease', recordId, corrected)
    const record = await this.ledger.records.get(recordId)
    return {
      period: record?.period ?? null,
      orgUnit: record?.orgUnit ?? null,
      counts: { new: 0, changed: 1, same: 0, overwrite: 0, refused: 0 },
      lines: [],
    }
  }

  async uncomplete(recordId: string, actor: Actor, reason: string) {
    this.record('uncomplete', recordId, actor, reason)
    await this.audit(actor, 'record.uncomplete', `record:${recordId}`, { reason })
    return { status: 'uncompleted' as const }
  }

  async discard(recordId: string, actor: Actor, reason: string) {
    this.record('discard', recordId, actor, reason)
    const record = await this.ledger.records.get(recordId)
    if (record?.status !== 'quarantined') throw new StateConflictError(`record ${recordId} is not quarantined`)
    await this.ledger.records.transition(recordId, 'quarantined', 'discarded', { actor: actor.name, reason })
    await this.audit(actor, 'quarantine.discard', `record:${recordId}`, { reason })
  }

  async refreshMetadata(actor: Actor) {
    this.record('refreshMetadata', actor)
    const saved = await this.ledger.snapshots.save({ dataElements: [] }, [{ code: 'GONE', kind: 'dataElement' }])
    return { snapshotId: saved.id, drift: saved.drift }
  }
}

/** A logger that writes nowhere (tests read `lines` when they care). */
export function silentLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString())
      callback()
    },
  })
  return Object.assign(createLogger('info', sink), { lines })
}

/**
 * The reminders for the API's tests: rules kept in memory, sends in the real ledger, « Relancer » recorded as
 * sent. The real job (DHIS2 reads, sending) is tested end to end in reminders/reminders.e2e.test.ts.
 */
export class LedgerReminders implements ReminderService {
  saved: ReminderRule[] = []
  ticks = 0
  constructor(private readonly db: Db) {}
  async tick() {
    this.ticks += 1
    return {
      period: '202611',
      day: 3,
      planned: 0,
      sent: 0,
      failed: 0,
      heldOut: 0,
      retried: 0,
      problems: [],
      deliveryUpdates: 0,
    }
  }
  async rules() {
    return { rules: this.saved, problems: [] }
  }
  async saveRules(rules: readonly ReminderRule[]) {
    this.saved = [...rules]
  }
  sends(filter: ReminderSendFilter, page: PageRequest) {
    return reminderSendsRepository(this.db).list(filter, page)
  }
  async effect() {
    const repo = reminderSendsRepository(this.db)
    const sends = (await Promise.all((await repo.periods()).map((p) => repo.ofPeriod(p)))).flat()
    return reminderEffect(sends, [])
  }
  async remindNow(orgUnit: string, channels: readonly ('message' | 'sms')[], actor: string) {
    const repo = reminderSendsRepository(this.db)
    const claimed = await repo.claim(
      channels.map((channel) => ({
        ruleId: 'manual',
        kind: 'manual' as const,
        period: '202611',
        orgUnit,
        zone: 'zone',
        recipient: 'user',
        channel,
        day: '2026-12-03',
        template: 'missing:manual',
        actor,
      })),
    )
    if (claimed.length === 0) return { outcome: 'already-today' as const, sends: [] }
    for (const c of claimed) await repo.markSent(c.id, { status: 201 })
    return { outcome: 'sent' as const, sends: (await repo.ofPeriod('202611')).filter((s) => s.orgUnit === orgUnit) }
  }
}

/**
 * The security check over the test's ledger, without DHIS2: `run` keeps a report of one finding for the day
 * given (api/security.test.ts reads it back through the API).
 */
export class LedgerSecurity implements SecurityService {
  runs: string[] = []
  day = '2026-12-06'
  constructor(private readonly db: Db) {}
  async run(actor: string) {
    this.runs.push(actor)
    const repo = securityReportsRepository(this.db)
    const previous = await repo.before(this.day)
    const findings: Finding[] = [
      {
        key: 'password-expired|user:usrSuperv01',
        code: 'password-expired',
        severity: 'high',
        subject: { kind: 'user', id: 'usrSuperv01', name: 'Codjo Agossou (superviseur)' },
        detail: { days: 100 },
      },
    ]
    const { added, resolved } = compareFindings(previous?.findings, findings)
    await repo.save({ day: this.day, actor, dhis2Version: '2.41.8', findings, added, resolved, problems: [] })
    return (await repo.get(this.day))!
  }
  report(day: string) {
    return securityReportsRepository(this.db).get(day)
  }
  async latest() {
    return (await securityReportsRepository(this.db).between('1970-01-01', '9999-12-31', 1))[0]
  }
  between(from: string, to: string) {
    return securityReportsRepository(this.db).between(from, to)
  }
}

/** DHIS2's analytics count of the programme's values per month, as the capacity report asks it (stand-in). */
export const DHIS2_VALUES_ROWS = [
  ['202611', '1234'],
  ['202610', '1100'],
]

/** A DHIS2 client that answers only the capacity report's analytics query. */
const analyticsOnlyDhis2 = {
  getJson: async () => ({ rows: DHIS2_VALUES_ROWS }),
} as unknown as Dhis2Client

/** Redis database of the API tests' capacity report (used_memory only: nothing is written). */
export const CAPACITY_REDIS_URL = 'redis://127.0.0.1:6379/4'

export interface TestApi {
  url: string
  app: Express
  db: Db
  ledger: LedgerRepositories
  services: RecordingServices
  reminders: LedgerReminders
  security: LedgerSecurity
  logger: Logger & { lines: string[] }
  close(): Promise<void>
}

/** The app over a fresh PGlite ledger, listening on a free port. */
export async function startTestApi(overrides: Partial<CreateApiAppOptions> = {}): Promise<TestApi> {
  const database: TestDatabase = pgliteTestDatabase()
  const db = await database.open()
  await migrate(db)
  const ledger = repositories(db)
  const services = new RecordingServices(ledger)
  const reminders = new LedgerReminders(db)
  const security = new LedgerSecurity(db)
  const logger = silentLogger()
  const app = createApiApp({
    services,
    reminders,
    security,
    capacity: () =>
      capacityReport({
        db,
        dhis2: analyticsOnlyDhis2,
        redisUrl: CAPACITY_REDIS_URL,
        dataDir: tmpdir(),
        now: () => new Date('2026-12-06T09:00:00Z'),
      }),
    repos: ledger,
    auth: { routeSecret: ROUTE_SECRET, apiKeys: API_KEYS, directory },
    config: testConfig,
    logger,
    metrics: createMetrics({ logger, defaultMetrics: false }),
    webhookSecret: (source) => (source.name === SOURCES.webhook ? WEBHOOK_SECRET : undefined),
    ...overrides,
  })
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    app,
    db,
    ledger,
    services,
    reminders,
    security,
    logger,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await database.dispose()
    },
  }
}

/** Headers of each kind of caller. */
export const as = {
  anonymous: (): Record<string, string> => ({}),
  user: (username: string, secret = ROUTE_SECRET): Record<string, string> => ({
    'X-Relais-Route-Secret': secret,
    'X-Forwarded-User': username,
  }),
  key: (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` }),
  admin: () => as.key(API_KEYS[0]!.key),
  manager: () => as.user('gest_ama'),
  reader: () => as.key(API_KEYS[2]!.key),
}

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number
  body: T
  headers: Headers
}

/** A request; the answer's body as JSON when it is JSON, else as text under `text`. */
export async function call<T = Record<string, unknown>>(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<JsonAnswer<T>> {
  const { json, ...rest } = init
  const res = await fetch(url, json === undefined ? rest : { ...rest, body: JSON.stringify(json) })
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = { text }
  }
  return { status: res.status, body: body as T, headers: res.headers }
}
