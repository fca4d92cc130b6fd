/**
 * Operations: `/healthz` (the process answers), `/readyz` (its dependencies answer; 503 naming those that do
 * not), `/metrics` (Prometheus text, behind `metrics:read`), `/api/v1/openapi.json` (public: it is the
 * repository's documentation, nothing secret).
 *
 * Readiness checks are functions given by whoever wires the app (Redis ping, ledger `SELECT 1`, DHIS2
 * `system/ping`). A check fails when it throws, resolves `false` or times out. A check marked
 * `critical: false` is reported but does not make the bridge unready: wire DHIS2 so, since intake must
 * keep working (and the circuit breaker holds the push) while DHIS2 is down. Failure details go to the
 * log only: /readyz is unauthenticated.
 */
import { z } from 'zod'
import type { Logger } from '../../log/logger'
import type { RelaisMetrics } from '../metrics'
import { defineRoute, reply, textBody, type Route } from '../route'
import { ErrorBody, named } from '../schemas'

export type ReadinessCheck =
  (() => Promise<unknown>) | { check: () => Promise<unknown>; critical?: boolean; timeoutMs?: number }

export interface HealthOptions {
  checks?: Record<string, ReadinessCheck>
  /** Per check, default 3 s. */
  timeoutMs?: number
}

const CheckResults = z.record(z.string(), z.enum(['ok', 'failed']))

const Healthy = named('Healthy', z.object({ status: z.literal('ok'), uptimeSeconds: z.number().int() }))
const Ready = named(
  'Ready',
  z.object({
    status: z.enum(['ready', 'degraded']).meta({ description: 'degraded: a non-critical check (DHIS2) failed' }),
    checks: CheckResults,
  }),
)
const NotReady = named('NotReady', ErrorBody.extend({ failed: z.array(z.string()), checks: CheckResults }))

async function passes(check: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const result = await Promise.race([check(), timeout])
    if (result === 'timeout') throw new Error(`no answer within ${timeoutMs} ms`)
    return result !== false
  } finally {
    clearTimeout(timer)
  }
}

export interface OpsDeps {
  health: HealthOptions
  metrics: RelaisMetrics
  logger: Logger
  /** The OpenAPI document, built once the routes are known. */
  openapi: () => unknown
}

export function opsRoutes({ health, metrics, logger, openapi }: OpsDeps): Route[] {
  const startedAt = Date.now()
  return [
    defineRoute({
      operationId: 'healthz',
      method: 'get',
      path: '/healthz',
      tag: 'operations',
      summary: 'The process is up',
      access: { kind: 'public' },
      responses: { 200: Healthy },
      async handle() {
        return reply(200, { status: 'ok' as const, uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000) })
      },
    }),
    defineRoute({
      operationId: 'readyz',
      method: 'get',
      path: '/readyz',
      tag: 'operations',
      summary: 'Redis, the ledger and DHIS2 answer; 503 names the critical ones that do not',
      access: { kind: 'public' },
      responses: { 200: Ready, 503: NotReady },
      async handle() {
        const entries = Object.entries(health.checks ?? {})
        const results = await Promise.all(
          entries.map(async ([name, spec]) => {
            const {
              check,
              critical = true,
              timeoutMs = health.timeoutMs ?? 3000,
            } = typeof spec === 'function' ? { check: spec } : spec
            try {
              if (await passes(check, timeoutMs)) return { name, ok: true, critical }
              logger.warn({ check: name }, 'readiness check answered false')
            } catch (error) {
              logger.warn({ err: error, check: name }, 'readiness check failed')
            }
            return { name, ok: false, critical }
          }),
        )
        const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? ('ok' as const) : ('failed' as const)]))
        const failed = results.filter((r) => !r.ok && r.critical).map((r) => r.name)
        if (failed.length > 0)
          return reply(503, {
            error: 'not-ready',
            message: `Not ready: ${failed.join(', ')} did not answer`,
            failed,
            checks,
          })
        return reply(200, { status: results.some((r) => !r.ok) ? ('degraded' as const) : ('ready' as const), checks })
      },
    }),
    defineRoute({
      operationId: 'metrics',
      method: 'get',
      path: '/metrics',
      tag: 'operations',
      summary: 'Prometheus metrics (scrape with a bearer API key of role lecteur or administrateur)',
      access: { kind: 'action', action: 'metrics:read' },
      responses: { 200: textBody(metrics.contentType) },
      async handle() {
        return reply(200, await metrics.scrape())
      },
    }),
    defineRoute({
      operationId: 'openapi',
      method: 'get',
      path: '/api/v1/openapi.json',
      tag: 'operations',
      summary: 'This document',
      access: { kind: 'public' },
      responses: { 200: z.record(z.string(), z.unknown()) },
      async handle() {
        return reply(200, openapi() as Record<string, unknown>)
      },
    }),
  ]
}
