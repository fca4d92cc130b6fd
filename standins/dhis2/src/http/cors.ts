/**
 * CORS for a developer's app on `d2-app-scripts start` (another port of localhost) talking to the
 * stand-in, as DHIS2 does for origins in its CORS whitelist (system setting `keyCorsWhitelist`): the
 * origin is echoed with credentials allowed, and preflights answer 204. Only loopback origins are
 * whitelisted by default.
 */
import type { NextFunction, Request, Response } from 'express'

const LOOPBACK = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/

export function cors(req: Request, res: Response, next: NextFunction): void {
  const origin = req.get('origin')
  if (!origin || !LOOPBACK.test(origin)) return next()
  res.set('Access-Control-Allow-Origin', origin)
  res.set('Access-Control-Allow-Credentials', 'true')
  res.set('Vary', 'Origin')
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
    res.set(
      'Access-Control-Allow-Headers',
      req.get('access-control-request-headers') ?? 'Content-Type, Authorization, X-Requested-With',
    )
    res.set('Access-Control-Max-Age', '3600')
    res.status(204).end()
    return
  }
  next()
}
