/**
 * Which bridge processes run, seen from Redis (issue 18 §3). Each `relais serve` (both, `--api-only`,
 * `--workers-only`) writes one key `<prefix>:process:<id>` every 5 s: who it is (host, pid, role, version, start),
 * its last beat, the jobs its workers completed per stage since it started, and the state of its DHIS2 circuit
 * breakers — which live in that process's memory only, so this is the one place an operator's `relais status`
 * can read them from. A sorted set `<prefix>:processes` indexes the keys by last beat.
 *
 * A process is `alive` while its last beat is under 20 s old (four beats missed), then `gone` (killed, frozen,
 * cut off from Redis) — still listed, because "worker 3 vanished ten minutes ago" is what an operator needs to
 * see — and dropped 15 min after its last beat, when its key expires. A process that stops cleanly removes its
 * key at once: it left on purpose, there is nothing to watch.
 *
 * It is a PipelineObserver (jobDone, setCircuit): `relais serve` hands it to the pipeline next to the metrics.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Redis } from 'ioredis'
import type { CircuitState } from '../dhis2/circuit-breaker'
import type { Logger } from '../log/logger'
import type { PipelineObserver } from '../pipeline/observer'

export type ProcessRole = 'api' | 'workers' | 'both'
export const JOB_STAGES = ['map', 'push', 'complete'] as const
export type JobStage = (typeof JOB_STAGES)[number]
export type JobCounts = Record<JobStage, number>

/** One process as it last wrote itself. */
export interface ProcessEntry {
  id: string
  host: string
  pid: number
  role: ProcessRole
  version: string
  startedAt: string
  lastBeatAt: string
  /** Jobs completed by this process's workers since it started (0 for an API-only process). */
  jobs: JobCounts
  /** DHIS2 target → its circuit breaker's state in this process (empty for an API-only process). */
  circuits: Record<string, CircuitState>
}

/** A process as `relais status` shows it. */
export interface ProcessView extends ProcessEntry {
  state: 'alive' | 'gone'
  beatAgeMs: number
  /**
   * This process's share of the jobs completed by all listed processes, per stage and over all stages (`all`),
   * in % to one decimal; null: no process has completed a job of that stage yet.
   */
  share: Record<JobStage | 'all', number | null>
}

export const BEAT_EVERY_MS = 5_000
/** Four beats missed: a process is `gone` (a 20 s event-loop stall is already a problem worth showing). */
export const ALIVE_FOR_MS = 20_000
/** How long a gone process stays listed after its last beat. */
export const KEPT_FOR_MS = 15 * 60_000

export const DEFAULT_REGISTRY_PREFIX = 'relais'
const keyOf = (prefix: string, id: string) => `${prefix}:process:${id}`
const indexOf = (prefix: string) => `${prefix}:processes`

export interface ProcessRegistryOptions {
  readonly role: ProcessRole
  readonly version: string
  readonly logger: Logger
  readonly prefix?: string
  readonly beatEveryMs?: number
  readonly keptForMs?: number
}

export class ProcessRegistry implements PipelineObserver {
  readonly id: string
  private readonly entry: ProcessEntry
  private timer: NodeJS.Timeout | undefined
  private beating: Promise<void> | undefined
  private stopped = false
  private again = false

  constructor(
    private readonly redis: Redis,
    private readonly options: ProcessRegistryOptions,
  ) {
    const host = hostname()
    // pid alone repeats across containers (pid 1 everywhere) and restarts: host + pid + a random tail.
    this.id = `${host}-${process.pid}-${randomBytes(3).toString('hex')}`
    const now = new Date().toISOString()
    this.entry = {
      id: this.id,
      host,
      pid: process.pid,
      role: options.role,
      version: options.version,
      startedAt: now,
      lastBeatAt: now,
      jobs: { map: 0, push: 0, complete: 0 },
      circuits: {},
    }
  }

  private get prefix(): string {
    return this.options.prefix ?? DEFAULT_REGISTRY_PREFIX
  }

  /** First beat now (the process is listed as soon as it is ready), then every 5 s. */
  async start(): Promise<void> {
    await this.beat()
    this.timer = setInterval(() => void this.beat(), this.options.beatEveryMs ?? BEAT_EVERY_MS)
    this.timer.unref()
  }

  jobDone(stage: JobStage): void {
    // A process's first job of a stage is written at once: "this worker takes work" should not wait 5 s.
    if (++this.entry.jobs[stage] === 1) void this.beat()
  }

  setCircuit(target: string, state: CircuitState): void {
    const changed = this.entry.circuits[target] !== undefined && this.entry.circuits[target] !== state
    this.entry.circuits[target] = state
    // An opened circuit is news: written at once rather than at the next beat.
    if (changed) void this.beat()
  }

  /** Writes this process's entry; a Redis error is logged and the next beat tries again. */
  async beat(): Promise<void> {
    if (this.stopped) return
    // One write at a time: a slow Redis must not pile beats up; news during a write goes in one more.
    if (this.beating) {
      this.again = true
      return this.beating
    }
    const at = new Date()
    this.entry.lastBeatAt = at.toISOString()
    const kept = this.options.keptForMs ?? KEPT_FOR_MS
    this.beating = this.redis
      .multi()
      .set(keyOf(this.prefix, this.id), JSON.stringify(this.entry), 'PX', kept)
      .zadd(indexOf(this.prefix), at.getTime(), this.id)
      .exec()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.options.logger.warn({ err: { message: String(error) } }, 'could not write this process to the registry'),
      )
      .finally(() => {
        this.beating = undefined
        if (this.again) {
          this.again = false
          void this.beat()
        }
      })
    return this.beating
  }

  /** A clean stop: no more beats, and the entry removed (the process left on purpose). */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await this.beating
    await this.redis
      .multi()
      .del(keyOf(this.prefix, this.id))
      .zrem(indexOf(this.prefix), this.id)
      .exec()
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: { message: String(error) } },
          'could not remove this process from the registry',
        ),
      )
  }
}

/**
 * Every listed process, alive first then gone, each in order of start; index members whose key expired are
 * removed on the way (whoever reads cleans up: no process has to outlive the others to do it).
 */
export async function listProcesses(
  redis: Pick<Redis, 'zrange' | 'mget' | 'zrem'>,
  options: { prefix?: string; now?: Date; aliveForMs?: number } = {},
): Promise<ProcessView[]> {
  const prefix = options.prefix ?? DEFAULT_REGISTRY_PREFIX
  const now = (options.now ?? new Date()).getTime()
  const aliveFor = options.aliveForMs ?? ALIVE_FOR_MS
  const ids = await redis.zrange(indexOf(prefix), '0', '-1')
  if (ids.length === 0) return []
  const raws = await redis.mget(...ids.map((id) => keyOf(prefix, id)))
  const expired = ids.filter((_id, i) => raws[i] === null)
  if (expired.length > 0) await redis.zrem(indexOf(prefix), ...expired)
  const entries = raws.flatMap((raw) => {
    if (raw === null) return []
    try {
      return [JSON.parse(raw) as ProcessEntry]
    } catch {
      return []
    }
  })
  const jobsOf = (e: ProcessEntry, stage: JobStage | 'all') =>
    stage === 'all' ? JOB_STAGES.reduce((sum, s) => sum + (e.jobs?.[s] ?? 0), 0) : (e.jobs?.[stage] ?? 0)
  const stages = [...JOB_STAGES, 'all'] as const
  const totals = Object.fromEntries(
    stages.map((stage) => [stage, entries.reduce((sum, e) => sum + jobsOf(e, stage), 0)]),
  ) as Record<JobStage | 'all', number>
  return entries
    .map((entry): ProcessView => {
      const beatAgeMs = Math.max(0, now - Date.parse(entry.lastBeatAt))
      return {
        ...entry,
        state: beatAgeMs <= aliveFor ? 'alive' : 'gone',
        beatAgeMs,
        share: Object.fromEntries(
          stages.map((stage) => [
            stage,
            totals[stage] === 0 ? null : Math.round((1000 * jobsOf(entry, stage)) / totals[stage]) / 10,
          ]),
        ) as Record<JobStage | 'all', number | null>,
      }
    })
    .sort((a, b) =>
      a.state === b.state
        ? a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)
        : a.state === 'alive'
          ? -1
          : 1,
    )
}
