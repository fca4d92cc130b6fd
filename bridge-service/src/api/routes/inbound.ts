/**
 * `POST /api/v1/inbound/{source}`: signed webhook deliveries (shared/domain/sources.md §3). The order is
 * cheap-first: unknown source (404) → rate limit per source (429) → body read raw up to the limit (413) →
 * signature over "<timestamp>.<raw body>" and replay check (401 with the reason) → JSON and zod (400) →
 * `services.receive`, and 202 only once it resolved, that is once the records are durable in the ledger.
 */
import { WindowCounter } from '../window-counter'
import type { Request, RequestHandler } from 'express'
import { z } from 'zod'
import type { RelaisConfig, SourceConfig } from '../../config/relais-config'
import type { PipelineServices } from '../../pipeline/services'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../sources/webhook/hmac'
import { checkDelivery, type ReplayCache } from '../../sources/webhook/replay'
import { ApiError, sendError } from '../errors'
import type { RelaisMetrics } from '../metrics'
import { defineRoute, reply, type Route } from '../route'
import { named } from '../schemas'

export type WebhookSource = Extract<SourceConfig, { kind: 'webhook' }>

export interface InboundLimits {
  /** Largest body, in bytes. */
  bodyBytes: number
  /** Most records in one delivery. */
  maxRecords: number
  /** Deliveries per source per window (per API process). */
  rateLimit: { windowMs: number; limit: number }
  /** Deliveries with a bad signature taken per address and window before 429 (default 600). */
  failedSignatureLimit: number
}

const InboundBody = (maxRecords: number) =>
  named(
    'InboundDelivery',
    z.object({
      // Objects whose members are left as they are: the mapping spec reads and checks them. (A record of
      // string → unknown checked each member one by one, on every delivery, for nothing.)
      records: z
        .array(z.looseObject({}))
        .min(1)
        .max(maxRecords)
        .meta({ description: "The source's own records (the shape its mapping spec reads)" }),
    }),
  )

const InboundAccepted = named(
  'InboundAccepted',
  z.object({
    runId: z.string(),
    accepted: z.number().int().meta({ description: 'New records (or new versions) stored' }),
    duplicates: z.number().int().meta({ description: 'Records already in the ledger, not stored again' }),
  }),
)

const sourceParams = z.object({ source: z.string().min(1).max(100) })

export interface InboundDeps {
  services: PipelineServices
  config: RelaisConfig
  limits: InboundLimits
  replayCache: ReplayCache
  /** The source's secret(s); several while a secret is being rotated. */
  secretOf: (source: WebhookSource) => string | readonly string[] | undefined
  metrics: RelaisMetrics
  now: () => number
}

function webhookSourceOf(config: RelaisConfig, name: string): WebhookSource {
  const source = config.sources.find((s) => s.name === name)
  if (!source || source.kind !== 'webhook')
    throw new ApiError(
      404,
      'unknown-source',
      `Unknown source "${name}": it is not a webhook source of relais.config.yaml`,
    )
  if (!source.enabled)
    throw new ApiError(
      404,
      'unknown-source',
      `Source "${name}" is disabled in relais.config.yaml: it takes no deliveries`,
    )
  return source
}

/** The signature each verified request carried, for `forget` when its records could not be stored. */
const acceptedSignature = new WeakMap<Request, string>()

const sourceName = (req: Request): string => String(req.params.source ?? '')

export function inboundRoutes(deps: InboundDeps): Route[] {
  const { services, config, limits, replayCache, secretOf, metrics, now } = deps

  const knownSource: RequestHandler = (req, _res, next) => {
    webhookSourceOf(config, sourceName(req))
    next()
  }

  // Counted once a delivery's signature holds (issue 11 §10): unsigned or forged requests must not spend a
  // genuine sender's budget. Those are limited apart, per address, before their body is even read.
  const deliveries = new WindowCounter(limits.rateLimit.windowMs, now)
  const failures = new WindowCounter(limits.rateLimit.windowMs, now)
  const policy = `${limits.rateLimit.limit};w=${Math.round(limits.rateLimit.windowMs / 1000)}`
  const addressOf = (req: Request) => req.socket.remoteAddress ?? 'unknown'

  const failedLimiter: RequestHandler = (req, res, next) => {
    if (failures.count(addressOf(req)) < limits.failedSignatureLimit) return next()
    metrics.countInboundRejected(sourceName(req), 'rate-limited')
    sendError(
      res,
      new ApiError(
        429,
        'rate-limited',
        `Too many deliveries with a bad signature from this address: at most ${limits.failedSignatureLimit} per ${limits.rateLimit.windowMs / 1000} s. Check the secret, then retry later.`,
      ),
    )
  }

  const verifyRaw = async (raw: Buffer, req: Request) => {
    const source = webhookSourceOf(config, sourceName(req))
    const secret = secretOf(source)
    if (secret === undefined || secret.length === 0)
      throw new Error(`webhook source ${source.name} has no secret (environment variable ${source.secretEnv})`)
    const check = await checkDelivery(
      {
        rawBody: raw,
        timestamp: req.headers[TIMESTAMP_HEADER],
        signature: req.headers[SIGNATURE_HEADER],
        secret,
        now: now(),
      },
      replayCache,
      (signature) => services.deliveryStored(source.name, signature),
    )
    if (!check.ok) {
      failures.add(addressOf(req))
      metrics.countInboundRejected(source.name, check.reason)
      throw new ApiError(401, 'invalid-signature', check.message, { reason: check.reason })
    }
    if (deliveries.add(source.name) > limits.rateLimit.limit) {
      // Not stored: the sender's retry of this very request must be taken later (replay.ts asks the ledger).
      metrics.countInboundRejected(source.name, 'rate-limited')
      req.res?.setHeader('RateLimit-Policy', policy)
      throw new ApiError(
        429,
        'rate-limited',
        `Too many deliveries for source "${source.name}": at most ${limits.rateLimit.limit} per ${limits.rateLimit.windowMs / 1000} s. Retry later.`,
      )
    }
    acceptedSignature.set(req, check.signature)
  }

  return [
    defineRoute({
      operationId: 'receiveWebhook',
      method: 'post',
      path: '/api/v1/inbound/{source}',
      tag: 'inbound',
      summary: 'A signed delivery of records from a webhook source',
      description:
        'Headers X-Relais-Timestamp (unix seconds) and X-Relais-Signature (sha256=<hex HMAC-SHA256 of ' +
        '"<timestamp>.<raw body>" with the source\'s secret); at most 5 minutes of clock difference; a delivery ' +
        'is accepted once. 202 means the records are durable in the ledger.',
      access: { kind: 'signature' },
      params: sourceParams,
      before: [knownSource, failedLimiter],
      body: InboundBody(limits.maxRecords),
      bodyLimit: limits.bodyBytes,
      // Each record is cut at intake's own depth limit and quarantined with its reason (clean-text.ts):
      // one deep record must not refuse the whole delivery.
      bodyMaxDepth: Infinity,
      verifyRaw,
      responses: { 202: InboundAccepted },
      errors: [400, 401, 404, 413, 429],
      async handle({ params, body, req }) {
        let result: Awaited<ReturnType<PipelineServices['receive']>>
        try {
          const signature = acceptedSignature.get(req)
          result = await services.receive({
            source: params.source,
            records: body.records,
            ...(signature !== undefined ? { signature } : {}),
          })
        } catch (error) {
          const signature = acceptedSignature.get(req)
          // Not stored: the same signed request sent again must be taken, not refused as a replay.
          if (signature !== undefined) await replayCache.forget(signature).catch(() => undefined)
          throw error
        }
        metrics.countInboundAccepted(params.source, result.accepted)
        return reply(202, result)
      },
    }),
  ]
}
