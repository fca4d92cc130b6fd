/**
 * The bridge's HTTP API (ARCHITECTURE.md "Contracts", REST): one express app with every route declared in
 * routes/ (auth, zod schemas, handler), the OpenAPI document generated from them, health, readiness and
 * metrics. Every error is JSON `{ error, message }`; nothing is cached by browsers or proxies.
 *
 * ```ts
 * const app = createApiApp({ services, repos: repositories(db), auth, config, logger, health, metrics })
 * app.listen(env.port)
 * ```
 */
import express, { type Express } from 'express'
import helmet from 'helmet'
import { webhookSecrets, type RelaisConfig } from '../config/relais-config'
import type { LedgerRepositories } from '../ledger'
import type { Logger } from '../log/logger'
import type { PipelineServices } from '../pipeline/services'
import { MemoryReplayCache, type ReplayCache } from '../sources/webhook/replay'
import type { AuthOptions } from './auth'
import { refuseBadUrls } from './bad-url'
import { DEFAULT_JSON_LIMIT_BYTES } from './body'
import { ApiError, errorHandler, sendError } from './errors'
import { createMetrics, type RelaisMetrics } from './metrics'
import { buildOpenApi } from './openapi'
import { requestContext } from './request-context'
import { Scopes } from './scope'
import { mountRoute, type Route } from './route'
import { auditRoutes } from './routes/audit'
import { inboundRoutes, type InboundLimits, type WebhookSource } from './routes/inbound'
import { metadataRoutes, RefreshTracker } from './routes/metadata'
import { opsRoutes, type HealthOptions } from './routes/ops'
import { quarantineRoutes } from './routes/quarantine'
import { recordsRoutes } from './routes/records'
import { runsRoutes } from './routes/runs'
import { sourcesRoutes } from './routes/sources'
import { uploadsRoutes } from './routes/uploads'
import { usersRoutes } from './routes/users'
import { remindersRoutes } from './routes/reminders'
import { securityRoutes } from './routes/security'
import { hmisRoutes, type HmisDeps } from './routes/hmis'
import { operationsRoutes } from './routes/operations'
import { outboundRoutes } from './routes/outbound'
import type { Outbound } from '../outbound/outbound'
import { tracingRoutes, type TracingDeps } from './routes/tracing'
import type { CapacityReport } from '../capacity/capacity-report'
import type { SecurityService } from '../security/security-check'
import type { ReminderService } from '../reminders/reminder-job'
import { summarizeDiff } from '../pipeline/push/run-diff'

export type ApiRepositories = Pick<LedgerRepositories, 'runs' | 'records' | 'events' | 'audit' | 'snapshots'>

export interface ApiLimits {
  /** Largest JSON body of the API's own routes, in bytes (default 1 MB). */
  jsonBodyBytes: number
  inbound: InboundLimits
}

export const DEFAULT_LIMITS: ApiLimits = {
  jsonBodyBytes: DEFAULT_JSON_LIMIT_BYTES,
  inbound: {
    bodyBytes: DEFAULT_JSON_LIMIT_BYTES,
    maxRecords: 5_000,
    // 1,000 deliveries per second per source and API process, on average over a minute (the bench sends 500/s).
    rateLimit: { windowMs: 60_000, limit: 60_000 },
    failedSignatureLimit: 600,
  },
}

export interface CreateApiAppOptions {
  services: PipelineServices
  repos: ApiRepositories
  auth: AuthOptions
  config: RelaisConfig
  logger: Logger
  health?: HealthOptions
  /** Default: a fresh registry. Give the one the pipeline reports to. */
  metrics?: RelaisMetrics
  limits?: { jsonBodyBytes?: number; inbound?: Partial<InboundLimits> }
  /** Webhook replay protection; the pipeline gives a Redis-backed one (default: in-process). */
  replayCache?: ReplayCache
  /** A webhook source's secret(s); default: the environment variable its `secretEnv` names. */
  webhookSecret?: (source: WebhookSource) => string | readonly string[] | undefined
  now?: () => number
  /** Shown in the OpenAPI document. */
  version?: string
  /** The reminders (the pipeline's); absent: their routes answer 503. */
  reminders?: ReminderService
  /** The daily security check (the pipeline's); absent: its routes answer 503. */
  security?: SecurityService
  /** The capacity report (capacity/capacity-report.ts over this bridge's ledger); absent: its route answers 503. */
  capacity?: () => Promise<CapacityReport>
  /** Outbound webhooks to partners (the pipeline's); absent: their routes answer 503. */
  outbound?: Pick<Outbound, 'list' | 'retry'>
  /** LTFU tracing (the pipeline's); absent: lists are refused (404), reads are empty. */
  tracing?: TracingDeps['tracing']
  /** The national HMIS push (the pipeline's); absent: lists are empty, a push is refused (409). */
  hmis?: HmisDeps['hmis']
}

const ROUTES = new WeakMap<Express, readonly Route[]>()

/** The routes of an app made by createApiApp (the auth table test and the OpenAPI document read them). */
export function routesOf(app: Express): readonly Route[] {
  return ROUTES.get(app) ?? []
}

export function createApiApp(options: CreateApiAppOptions): Express {
  const { services, repos, config, logger } = options
  const now = options.now ?? Date.now
  const metrics = options.metrics ?? createMetrics({ logger })
  const limits: ApiLimits = {
    jsonBodyBytes: options.limits?.jsonBodyBytes ?? DEFAULT_LIMITS.jsonBodyBytes,
    inbound: { ...DEFAULT_LIMITS.inbound, ...options.limits?.inbound },
  }
  const webhookSecret =
    options.webhookSecret ??
    ((source: WebhookSource) => {
      const value = process.env[source.secretEnv]
      return value === undefined ? undefined : webhookSecrets(value)
    })

  /** Built once every route is declared (the document describes itself too). */
  const replayCache = options.replayCache ?? new MemoryReplayCache(now)
  const openapi: { document?: unknown } = {}
  const scopes = new Scopes(repos.snapshots, now)
  const routes: Route[] = [
    ...opsRoutes({ health: options.health ?? {}, metrics, logger, openapi: () => openapi.document }),
    ...runsRoutes({
      services,
      repos,
      scopes,
      diffOf: async (runId, orgUnitIn) => summarizeDiff(await repos.runs.diffRows(runId, { orgUnitIn })),
    }),
    ...recordsRoutes({ repos, scopes, services }),
    ...quarantineRoutes({ services, repos, scopes }),
    ...uploadsRoutes({ services, config }),
    ...inboundRoutes({
      services,
      config,
      limits: limits.inbound,
      replayCache,
      secretOf: webhookSecret,
      metrics,
      now,
    }),
    ...sourcesRoutes({ config, repos }),
    ...metadataRoutes({ repos, refresh: new RefreshTracker(services, logger), now }),
    ...auditRoutes({ repos }),
    ...usersRoutes({ directory: options.auth.directory, repos }),
    ...remindersRoutes({ reminders: options.reminders, scopes, repos, logger }),
    ...securityRoutes({ security: options.security, repos, logger }),
    ...operationsRoutes({ capacity: options.capacity }),
    ...outboundRoutes({ outbound: options.outbound, repos }),
    ...tracingRoutes({ tracing: options.tracing, replayCache, repos, now }),
    ...hmisRoutes({ hmis: options.hmis, repos }),
  ]
  openapi.document = buildOpenApi(routes, { version: options.version ?? '0.1.0' })

  const app = express()
  app.disable('x-powered-by')
  app.set('query parser', 'simple')
  app.use(helmet())
  app.use(requestContext(logger, (info) => metrics.observeRequest(info)))
  app.use(refuseBadUrls())
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store')
    next()
  })
  const mountOptions = {
    auth: options.auth,
    jsonLimitBytes: limits.jsonBodyBytes,
    onLargeAnswer: (route: Route, bytes: number) =>
      logger.warn({ route: route.operationId, bytes }, 'a large answer: it must stay far below the 256 KB route cap'),
  }
  for (const route of routes) mountRoute(app, route, mountOptions)
  app.use((req, res) => sendError(res, new ApiError(404, 'not-found', `No such endpoint: ${req.method} ${req.path}`)))
  app.use(errorHandler(logger))
  ROUTES.set(app, routes)
  return app
}
