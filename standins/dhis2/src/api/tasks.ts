/**
 * Asynchronous jobs (web-api §2.8): `async=true` imports and analytics table runs answer at once with
 * a job id, then run; clients poll `/api/system/tasks/{type}/{id}` (notifications, newest first) and
 * `/api/system/taskSummaries/{type}/{id}` (the summary, no WebMessage wrapper). Jobs live in memory
 * only, as DHIS2's do.
 */
import type { Router } from 'express'
import { generateUid } from '@relais/mappings'
import type { Clock } from '../store/clock'
import { notFound, webMessage } from '../http/web-message'
import type { StandinContext } from '../context'

export interface Notification {
  uid: string
  level: 'INFO' | 'ERROR'
  category: string
  time: string
  message: string
  completed: boolean
}

interface Job {
  id: string
  type: string
  ownerId: string
  created: string
  notifications: Notification[]
  summary?: unknown
}

export class TaskRegistry {
  private readonly jobs = new Map<string, Job>()

  constructor(private readonly clock: Clock) {}

  /**
   * Starts `work` on the next turn of the event loop and returns the job-configuration WebMessage of
   * 2.41 (`Initiated <TYPE>…`, `relativeNotifierEndpoint`).
   */
  start(type: string, name: string, ownerId: string, work: () => Promise<unknown> | unknown) {
    const id = generateUid()
    const job: Job = { id, type, ownerId, created: this.clock.timestamp(), notifications: [] }
    this.jobs.set(id, job)
    this.notify(job, 'INFO', `${name} started`, false)
    setImmediate(() => {
      Promise.resolve()
        .then(work)
        .then(
          (summary) => {
            job.summary = summary
            this.notify(job, 'INFO', 'Import done', true)
          },
          (error: unknown) => {
            this.notify(job, 'ERROR', error instanceof Error ? error.message : String(error), true)
          },
        )
    })
    return webMessage(200, `Initiated ${type} (${id})`, {
      response: {
        name,
        id,
        created: job.created,
        jobType: type,
        jobStatus: 'SCHEDULED',
        jobParameters: null,
        relativeNotifierEndpoint: `/api/system/tasks/${type}/${id}`,
      },
    })
  }

  get(type: string, id: string): Job | undefined {
    const job = this.jobs.get(id)
    return job && job.type === type ? job : undefined
  }

  private notify(job: Job, level: Notification['level'], message: string, completed: boolean) {
    job.notifications.unshift({
      uid: generateUid(),
      level,
      category: job.type,
      time: this.clock.timestamp(),
      message,
      completed,
    })
  }
}

export function registerTasks(router: Router, ctx: StandinContext): void {
  router.get('/system/tasks/:type/:id', (req, res) => {
    const job = ctx.tasks.get(String(req.params.type), String(req.params.id))
    if (!job) throw notFound(`Task not found: ${String(req.params.id)}`)
    res.json(job.notifications)
  })
  router.get('/system/taskSummaries/:type/:id', (req, res) => {
    const job = ctx.tasks.get(String(req.params.type), String(req.params.id))
    if (!job) throw notFound(`Task not found: ${String(req.params.id)}`)
    // Until the job ends DHIS2 has no summary yet: an empty body.
    res.json(job.summary ?? {})
  })
}
