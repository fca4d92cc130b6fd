/**
 * Per request: an id (ours; a caller's `X-Request-Id` is not trusted), one access-log line when the answer
 * is sent (method, route template, status, duration, who), and the HTTP metrics. The DHIS2 route forwards
 * only a few response headers, so an error answer also carries the id in its message.
 */
import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import type { Logger } from '../log/logger'
import { knownPrincipalOf } from './auth'

const REQUEST_ID = Symbol('relais-request-id')
type WithId = Request & { [REQUEST_ID]?: string }

export function requestIdOf(req: Request): string {
  return (req as WithId)[REQUEST_ID] ?? 'unknown'
}

export interface RequestObserver {
  (info: { method: string; route: string; status: number; seconds: number }): void
}

/** The route template that answered (e.g. `/api/v1/runs/:id`), never the raw path (unbounded label values). */
export function routeTemplateOf(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path
  return typeof path === 'string' ? path : 'unmatched'
}

/** The caller once authenticated (undefined on public routes and refused requests). */
function userOf(req: Request): string | undefined {
  const principal = knownPrincipalOf(req)
  if (!principal) return undefined
  return principal.kind === 'api-key' ? `api-key:${principal.name}` : principal.name
}

export function requestContext(logger: Logger, observe?: RequestObserver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = randomUUID()
    ;(req as WithId)[REQUEST_ID] = id
    res.setHeader('X-Request-Id', id)
    const started = process.hrtime.bigint()
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      const route = routeTemplateOf(req)
      observe?.({ method: req.method, route, status: res.statusCode, seconds })
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'
      logger[level](
        {
          requestId: id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
          user: userOf(req),
        },
        'request',
      )
    })
    next()
  }
}
