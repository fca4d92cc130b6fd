/**
 * Every error the API answers is JSON `{ error, message }`: `error` a stable code the app translates,
 * `message` English for people and logs, and sometimes more fields (`reason`, `issues`, `where`).
 * Never a stack trace: anything unexpected is logged with its request id and answered `internal`.
 */
import type { NextFunction, Request, Response } from 'express'
import { Dhis2Error } from '../dhis2/errors'
import type { Logger } from '../log/logger'
import { NotFoundError, StateConflictError, UnknownSourceError } from '../pipeline/services'
import { ConfirmationRefusedError } from '../pipeline/push/upload-confirm'
import { IllegalTransitionError } from '../ledger/record-status'
import { RecordNotFoundError, StaleTransitionError } from '../ledger/records'
import { RunStateError } from '../ledger/runs'
import { UnreadableFileError } from '../sources/files/findings'
import { requestIdOf } from './request-context'

/** The stable codes of `error` (besides `unauthorized` / `forbidden` from auth.ts and the file readers' codes). */
export type ErrorCode =
  | 'invalid-request'
  | 'malformed-json'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unsupported-encoding'
  | 'not-found'
  | 'unknown-source'
  | 'wrong-source-kind'
  | 'state-conflict'
  | 'invalid-signature'
  | 'rate-limited'
  | 'not-ready'
  | 'dhis2-unavailable'
  | 'internal'
  | 'not-a-dry-run'
  | 'file-differs'
  | 'dhis2-changed'
  | 'report-complete'
  | 'already-reminded'
  | 'no-user-account'
  | 'reminders-unavailable'
  | 'security-unavailable'
  | 'capacity-unavailable'
  | UnreadableFileError['code']

export interface Issue {
  /** Where, e.g. `body.records.3` or `query.pageSize`. */
  path: string
  message: string
}

export interface ErrorExtras {
  /** A finer code, e.g. the signature failure (`replayed`, `stale-timestamp`…). */
  reason?: string
  issues?: Issue[]
  /** Where in the body a malformed JSON went wrong (1-based line and column, 0-based character offset). */
  where?: { line: number; column: number; position: number }
  /** An import refused because DHIS2 changed since its dry run: what changed (then → now). */
  changes?: unknown[]
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extras: ErrorExtras = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export const notFound = (what: string) => new ApiError(404, 'not-found', `${what} was not found`)

/**
 * UnreadableFileError code → status: a format we do not read is 415, a file we cannot read is 400; a file
 * past a decoding limit is 413 when the limit is on bytes (it inflates too much, or needs too much
 * temporary disk), 422 when it is on its shape (too many shared strings, sheets, cells, a row too wide).
 */
const FILE_STATUS: Record<UnreadableFileError['code'], number> = {
  'empty-file': 400,
  'unsupported-format': 415,
  'no-header': 400,
  'corrupt-xlsx': 400,
  'header-too-long': 400,
  'xlsx-size-limit': 413,
  'xlsx-temp-limit': 413,
  'xlsx-shared-strings-limit': 422,
  'xlsx-sheets-limit': 422,
  'xlsx-cells-limit': 422,
  'csv-row-limit': 422,
}

/** The known errors of the pipeline, the ledger and the file readers → an ApiError; undefined otherwise. */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (error instanceof UnknownSourceError) return new ApiError(404, 'unknown-source', error.message)
  if (error instanceof UnreadableFileError)
    return new ApiError(FILE_STATUS[error.code] ?? 400, error.code, error.message)
  if (error instanceof RecordNotFoundError) return notFound(`Record ${error.id}`)
  if (error instanceof NotFoundError) return new ApiError(404, 'not-found', error.message)
  if (error instanceof ConfirmationRefusedError)
    return new ApiError(409, error.reason, error.message, error.changes.length > 0 ? { changes: error.changes } : {})
  if (
    error instanceof StateConflictError ||
    error instanceof RunStateError ||
    error instanceof StaleTransitionError ||
    error instanceof IllegalTransitionError
  )
    return new ApiError(409, 'state-conflict', error.message)
  // e.g. the user directory could not ask DHIS2 for the caller's roles: the caller may retry.
  if (error instanceof Dhis2Error)
    return new ApiError(
      error.transient ? 503 : 502,
      'dhis2-unavailable',
      `DHIS2 could not answer the bridge (${error.reason}${error.status ? ` ${error.status}` : ''}); try again later.`,
    )
  return undefined
}

export function sendError(res: Response, error: ApiError): void {
  if (res.headersSent) return
  res.status(error.status).json({ error: error.code, message: error.message, ...error.extras })
}

/** The last middleware: known errors → their JSON, anything else → 500 `internal`, logged with the request id. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = toApiError(error) ?? fromExpress(error)
    if (known) return sendError(res, known)
    const requestId = requestIdOf(req)
    logger.error({ err: error, requestId, method: req.method, path: req.path }, 'unexpected error in the API')
    if (res.headersSent) {
      res.destroy()
      return
    }
    sendError(
      res,
      new ApiError(500, 'internal', `An unexpected error occurred; it was logged under request id ${requestId}.`),
    )
  }
}

/** Errors raised by express itself (e.g. a malformed URL: `status` 400 on an http-errors object). */
function fromExpress(error: unknown): ApiError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const status = (error as { status?: unknown }).status
  if (typeof status === 'number' && status >= 400 && status < 500)
    return new ApiError(status, 'invalid-request', 'The request could not be read (malformed URL or headers).')
  return undefined
}
