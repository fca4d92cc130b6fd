/**
 * Prometheus metrics (prom-client), on a registry of their own. Two kinds:
 * - pushed by the code as things happen: `observePush`, `countDhis2Error`, `setCircuit`, the inbound
 *   counters and the HTTP request metrics (the pipeline calls the first three);
 * - read by `scrape()` from functions given with `collectFrom`: queue depth and age per stage, records per
 *   status (cached, since it counts over the ledger), circuit states from the CircuitBreakerRegistry.
 *   Read the text through `scrape()`, not `registry.metrics()`, so that these are fresh.
 * A collector that throws leaves its gauges as they were and sets relais_metrics_collector_up{collector} to 0.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { CircuitSnapshot, CircuitState } from '../dhis2/circuit-breaker'
import { CIRCUIT_STATE_VALUE } from '../dhis2/circuit-breaker'
import type { Dhis2ErrorKind, Dhis2ErrorReason } from '../dhis2/errors'
import { RECORD_STATUSES, type RecordStatus } from '../ledger/record-status'
import type { Logger } from '../log/logger'

export interface QueueStat {
  /** `map`, `push`, … */
  stage: string
  /** Jobs waiting (and delayed) in the stage's queue. */
  depth: number
  /** Age of the oldest waiting job, in seconds (0 when empty). */
  oldestAgeSeconds: number
}

export interface DiskStat {
  /** The folder watched (the bridge's data folder: embedded ledger, archives, backups). */
  path: string
  freeBytes: number
  sizeBytes: number
}

export interface MetricsCollectors {
  queues?: () => Promise<readonly QueueStat[]> | readonly QueueStat[]
  recordCounts?: () => Promise<Partial<Record<RecordStatus, number>>>
  circuits?: () => readonly CircuitSnapshot[]
  /** When the last `relais backup` succeeded (unix seconds), or undefined when none is recorded. */
  lastBackup?: () => Promise<number | undefined>
  disks?: () => Promise<readonly DiskStat[]>
}

export interface MetricsOptions {
  logger?: Logger
  /** Node/process metrics (default true). */
  defaultMetrics?: boolean
  /** The record counts are read at most this often (default 15 s). */
  recordCountsTtlMs?: number
  now?: () => number
}

export interface RelaisMetrics {
  readonly registry: Registry
  /** One dataValueSets request took `ms` (and carried `values` values). */
  observePush(ms: number, values?: number): void
  countDhis2Error(kind: Dhis2ErrorKind, reason?: Dhis2ErrorReason): void
  setCircuit(target: string, state: CircuitState): void
  countInboundAccepted(source: string, records: number): void
  countInboundRejected(source: string, reason: string): void
  observeRequest(info: { method: string; route: string; status: number; seconds: number }): void
  /** Adds (or replaces) the functions read on each scrape. */
  collectFrom(collectors: MetricsCollectors): void
  /** The text exposition. */
  scrape(): Promise<string>
  readonly contentType: string
}

export const METRIC_NAMES = {
  queueDepth: 'relais_queue_depth',
  queueOldestAge: 'relais_queue_oldest_job_age_seconds',
  records: 'relais_records',
  pushDuration: 'relais_dhis2_push_duration_seconds',
  pushedValues: 'relais_dhis2_pushed_values_total',
  dhis2Errors: 'relais_dhis2_errors_total',
  circuitState: 'relais_dhis2_circuit_state',
  inboundRecords: 'relais_inbound_records_total',
  inboundRejected: 'relais_inbound_rejected_total',
  httpRequests: 'relais_http_requests_total',
  httpDuration: 'relais_http_request_duration_seconds',
  collectorUp: 'relais_metrics_collector_up',
  backupLastSuccess: 'relais_backup_last_success_timestamp_seconds',
  diskFree: 'relais_disk_free_bytes',
  diskSize: 'relais_disk_size_bytes',
} as const

export function createMetrics(options: MetricsOptions = {}): RelaisMetrics {
  const registry = new Registry()
  const registers = [registry]
  const now = options.now ?? Date.now
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'relais_' })
  let collectors: MetricsCollectors = {}

  const collectorUp = new Gauge({
    name: METRIC_NAMES.collectorUp,
    help: 'Whether the last scrape could read this collector (1) or not (0)',
    labelNames: ['collector'],
    registers,
  })
  async function guarded(name: string, read: () => Promise<void>): Promise<void> {
    try {
      await read()
      collectorUp.set({ collector: name }, 1)
    } catch (error) {
      collectorUp.set({ collector: name }, 0)
      options.logger?.warn({ err: error, collector: name }, 'a metrics collector failed')
    }
  }

  const queueDepth = new Gauge({
    name: METRIC_NAMES.queueDepth,
    help: 'Jobs waiting in each pipeline stage',
    labelNames: ['stage'],
    registers,
  })
  const queueAge = new Gauge({
    name: METRIC_NAMES.queueOldestAge,
    help: 'Age of the oldest waiting job of each pipeline stage, in seconds',
    labelNames: ['stage'],
    registers,
  })
  async function readQueues() {
    const read = collectors.queues
    if (!read) return
    await guarded('queues', async () => {
      const stats = await read()
      for (const s of stats) {
        queueDepth.set({ stage: s.stage }, s.depth)
        queueAge.set({ stage: s.stage }, s.oldestAgeSeconds)
      }
    })
  }

  let countsReadAt = -Infinity
  const records = new Gauge({
    name: METRIC_NAMES.records,
    help: 'Records in the ledger per status',
    labelNames: ['status'],
    registers,
  })
  async function readRecordCounts() {
    const read = collectors.recordCounts
    if (!read || now() - countsReadAt < (options.recordCountsTtlMs ?? 15_000)) return
    await guarded('records', async () => {
      const counts = await read()
      for (const status of RECORD_STATUSES) records.set({ status }, counts[status] ?? 0)
      countsReadAt = now()
    })
  }

  const pushDuration = new Histogram({
    name: METRIC_NAMES.pushDuration,
    help: 'Duration of one dataValueSets request to DHIS2, in seconds',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  })
  const pushedValues = new Counter({
    name: METRIC_NAMES.pushedValues,
    help: 'Data values sent to DHIS2',
    registers,
  })
  const dhis2Errors = new Counter({
    name: METRIC_NAMES.dhis2Errors,
    help: 'Failed DHIS2 requests by class (transient/permanent) and reason',
    labelNames: ['kind', 'reason'],
    registers,
  })

  const circuitStates = new Map<string, CircuitState>()
  const circuit = new Gauge({
    name: METRIC_NAMES.circuitState,
    help: 'Circuit breaker per DHIS2 target: 0 closed, 1 half-open, 2 open',
    labelNames: ['target'],
    registers,
  })
  async function readCircuits() {
    const read = collectors.circuits
    if (!read) return
    await guarded('circuits', async () => {
      for (const s of read()) circuitStates.set(s.target, s.state)
      for (const [target, state] of circuitStates) circuit.set({ target }, CIRCUIT_STATE_VALUE[state])
    })
  }

  // Issue 17: the alert rules watch the backup's age and the disk's headroom (docker/monitoring/alerts.yml).
  const backupLastSuccess = new Gauge({
    name: METRIC_NAMES.backupLastSuccess,
    help: 'When the last relais backup succeeded, in unix seconds (0 when none is recorded)',
    registers,
  })
  const diskFree = new Gauge({
    name: METRIC_NAMES.diskFree,
    help: "Free bytes on the filesystem of the bridge's data folder",
    labelNames: ['path'],
    registers,
  })
  const diskSize = new Gauge({
    name: METRIC_NAMES.diskSize,
    help: "Size in bytes of the filesystem of the bridge's data folder",
    labelNames: ['path'],
    registers,
  })
  async function readOperations() {
    const { lastBackup, disks } = collectors
    if (lastBackup)
      await guarded('backup', async () => {
        const at = await lastBackup()
        // 0, not absent: prom-client shows a label-less gauge as 0 anyway; the alert reads 0 as "never".
        backupLastSuccess.set(at ?? 0)
      })
    if (disks)
      await guarded('disk', async () => {
        for (const d of await disks()) {
          diskFree.set({ path: d.path }, d.freeBytes)
          diskSize.set({ path: d.path }, d.sizeBytes)
        }
      })
  }

  const inboundRecords = new Counter({
    name: METRIC_NAMES.inboundRecords,
    help: 'Records accepted from webhook deliveries',
    labelNames: ['source'],
    registers,
  })
  const inboundRejected = new Counter({
    name: METRIC_NAMES.inboundRejected,
    help: 'Webhook deliveries refused, by reason (bad-signature, replayed, stale-timestamp, rate-limited…)',
    labelNames: ['source', 'reason'],
    registers,
  })
  const httpRequests = new Counter({
    name: METRIC_NAMES.httpRequests,
    help: 'API requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers,
  })
  const httpDuration = new Histogram({
    name: METRIC_NAMES.httpDuration,
    help: 'API request duration, in seconds',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
    registers,
  })

  return {
    registry,
    contentType: registry.contentType,
    observePush(ms, values) {
      pushDuration.observe(ms / 1000)
      if (values !== undefined) pushedValues.inc(values)
    },
    countDhis2Error(kind, reason = 'http') {
      dhis2Errors.inc({ kind, reason })
    },
    setCircuit(target, state) {
      circuitStates.set(target, state)
      circuit.set({ target }, CIRCUIT_STATE_VALUE[state])
    },
    countInboundAccepted(source, n) {
      inboundRecords.inc({ source }, n)
    },
    countInboundRejected(source, reason) {
      inboundRejected.inc({ source, reason })
    },
    observeRequest({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) })
      httpDuration.observe({ method, route }, seconds)
    },
    collectFrom(next) {
      collectors = { ...collectors, ...next }
      countsReadAt = -Infinity
    },
    async scrape() {
      // The collectors first, all of them, then the text: one consistent picture per scrape.
      await Promise.all([readQueues(), readRecordCounts(), readCircuits(), readOperations()])
      return registry.metrics()
    },
  }
}
