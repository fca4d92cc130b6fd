/**
 * A request target the API will not read (issue 11 §10): a malformed %-escape, or a NUL character once decoded,
 * in the path or the query. Before this, `/api/v1/runs/%00/cancel` reached PostgreSQL (which refuses NUL) and
 * answered 500. Nothing legitimate sends either, so the request is refused up front with 400, before
 * authentication does any work for it.
 */
import type { NextFunction, Request, Response } from 'express'
import { ApiError, sendError } from './errors'

// A % not followed by two hex digits (decodeURIComponent would throw), or an escaped or raw NUL.
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/
// Matching NUL is the point.
// eslint-disable-next-line no-control-regex
const NUL = /%00|\u0000/

/** Why a raw request target is refused, or undefined when it is fine. Pure. */
export function badTarget(target: string): string | undefined {
  if (NUL.test(target)) return 'a NUL character'
  if (BAD_ESCAPE.test(target)) return 'a malformed %-escape'
  // Valid escapes may still decode to invalid UTF-8 (`%C3%28`).
  try {
    decodeURIComponent(target.replace(/\+/g, ' '))
  } catch {
    return 'an escape that is not UTF-8'
  }
  return undefined
}

export function refuseBadUrls() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const why = badTarget(req.originalUrl)
    if (why === undefined) return next()
    sendError(
      res,
      new ApiError(400, 'invalid-request', `The request's address holds ${why}: check the path and the query.`),
    )
  }
}
